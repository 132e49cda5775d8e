package io.itdr.connector.okta.inventory;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which Okta attributes the inventory reads as owner and criticality, and which users it lists as
 * service users. Immutable.
 *
 * <p>Owner and criticality of an OAuth service app come from the app's {@code profile} (a free-form
 * object Okta keeps for OAuth clients) under these attribute names, else from its admin notes
 * ({@code settings.notes.admin}), one {@code name: value} or {@code name=value} per line or
 * separated by {@code ;}. For a service user they come from the user's profile. Names match
 * exactly, else in any letter case.
 *
 * <p>A service user is one whose profile attribute {@code serviceUserAttribute} has the value
 * {@code serviceUserValue}, found with Okta's user search
 * ({@code search=profile.<attribute> eq "<value>"}; {@code true} and {@code false} are sent as
 * booleans, so a boolean custom attribute works). Examples: the default custom attribute
 * {@code itdr_service_account = true}, or the base attribute {@code userType = service}.
 *
 * @param ownerAttribute       attribute naming the owner (team or person); default {@code owner}
 * @param criticalityAttribute attribute naming the criticality tier (tier0..tier3); default {@code criticality}
 * @param serviceUserAttribute profile attribute marking service users; default {@code itdr_service_account}
 * @param serviceUserValue     its value on service users; default {@code true}
 */
public record OktaInventorySettings(String ownerAttribute, String criticalityAttribute, String serviceUserAttribute,
                                    String serviceUserValue) {
    static final String OWNER_ATTRIBUTE = "owner-attribute";
    static final String CRITICALITY_ATTRIBUTE = "criticality-attribute";
    static final String SERVICE_USER_ATTRIBUTE = "service-user-attribute";
    static final String SERVICE_USER_VALUE = "service-user-value";
    /** The tag key the engine reads criticality from. */
    static final String ENGINE_CRITICALITY_TAG = "criticality";

    // Okta profile attribute variable names: a letter, then letters, digits or underscores
    // (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Schema/).
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,99}");
    private static final Pattern VALUE = Pattern.compile("[^\"\\\\\\p{Cntrl}\\s][^\"\\\\\\p{Cntrl}]{0,199}");

    /** The properties the Okta connector declares for its inventory. */
    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(OWNER_ATTRIBUTE, ConfigType.STRING,
                    "Name of the attribute whose value names an identity's owner (team or person): read from an OAuth app's "
                            + "profile, else from a 'name: value' line of its admin notes, and from a service user's profile.",
                    "owner"),
            ConfigProperty.optional(CRITICALITY_ATTRIBUTE, ConfigType.STRING,
                    "Name of the attribute whose value is an identity's criticality tier (tier0 to tier3), read like the owner; "
                            + "handed to the engine under the tag 'criticality'.", ENGINE_CRITICALITY_TAG),
            ConfigProperty.optional(SERVICE_USER_ATTRIBUTE, ConfigType.STRING,
                    "Okta user profile attribute that marks service users (non-human accounts) to inventory, e.g. "
                            + "itdr_service_account (a custom boolean) or userType.", "itdr_service_account"),
            ConfigProperty.optional(SERVICE_USER_VALUE, ConfigType.STRING,
                    "Value of that attribute on service users, e.g. true, or service for userType.", "true"));

    public OktaInventorySettings {
        check(OWNER_ATTRIBUTE, ownerAttribute, ATTRIBUTE, "an Okta attribute name (a letter, then letters, digits or _)");
        check(CRITICALITY_ATTRIBUTE, criticalityAttribute, ATTRIBUTE, "an Okta attribute name (a letter, then letters, digits or _)");
        check(SERVICE_USER_ATTRIBUTE, serviceUserAttribute, ATTRIBUTE, "an Okta attribute name (a letter, then letters, digits or _)");
        check(SERVICE_USER_VALUE, serviceUserValue, VALUE, "1-200 characters without quotes, backslashes or control characters");
    }

    /** {@code owner}, {@code criticality}, and service users marked {@code itdr_service_account = true}. */
    public static OktaInventorySettings defaults() {
        return new OktaInventorySettings("owner", ENGINE_CRITICALITY_TAG, "itdr_service_account", "true");
    }

    /** The settings from validated connector configuration. */
    public static OktaInventorySettings from(ConnectorConfig config) {
        OktaInventorySettings d = defaults();
        return new OktaInventorySettings(config.string(OWNER_ATTRIBUTE).orElse(d.ownerAttribute()),
                config.string(CRITICALITY_ATTRIBUTE).orElse(d.criticalityAttribute()),
                config.string(SERVICE_USER_ATTRIBUTE).orElse(d.serviceUserAttribute()),
                config.string(SERVICE_USER_VALUE).orElse(d.serviceUserValue()));
    }

    /** The Okta user search expression finding service users. */
    String serviceUserSearch() {
        String lower = serviceUserValue.toLowerCase(Locale.ROOT);
        String literal = lower.equals("true") || lower.equals("false") ? lower : "\"" + serviceUserValue + "\"";
        return "profile." + serviceUserAttribute + " eq " + literal;
    }

    private static void check(String property, String value, Pattern shape, String expected) {
        if (value == null || !shape.matcher(value).matches()) {
            throw new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'okta': " + property
                    + ": expected " + expected + ", got " + (value == null ? "nothing" : "'" + value + "'"));
        }
    }
}
