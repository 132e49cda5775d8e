package io.itdr.connector.aws.inventory;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which IAM tags the inventory reads as an identity's owner and criticality. Immutable.
 *
 * @param ownerTag       key of the tag naming the owner; never blank
 * @param criticalityTag key of the tag naming the criticality tier (tier0..tier3); never blank
 */
public record InventorySettings(String ownerTag, String criticalityTag) {
    static final String OWNER_TAG = "owner-tag";
    static final String CRITICALITY_TAG = "criticality-tag";
    /** The tag key the engine reads criticality from unless its operator chose another (InventoryTagKeys defaults). */
    static final String ENGINE_CRITICALITY_TAG = "criticality";

    // IAM tag keys: 1-128 characters of letters, spaces, digits and _.:/=+-@
    // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Tag.html)
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");

    /** The properties the AWS connector declares for its inventory. */
    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(OWNER_TAG, ConfigType.STRING,
                    "Key of the IAM user or role tag whose value names the identity's owner (team or person), e.g. owner or "
                            + "team. Matched exactly, else in any letter case.", "owner"),
            ConfigProperty.optional(CRITICALITY_TAG, ConfigType.STRING,
                    "Key of the IAM user or role tag whose value is the identity's criticality tier (tier0 to tier3). Matched "
                            + "exactly, else in any letter case; its value is also handed to the engine under the tag key "
                            + "'criticality' when the identity has no tag of that name.", "criticality"));

    public InventorySettings {
        check(OWNER_TAG, ownerTag);
        check(CRITICALITY_TAG, criticalityTag);
    }

    /** The default tag keys, {@code owner} and {@code criticality}. */
    public static InventorySettings defaults() {
        return new InventorySettings("owner", ENGINE_CRITICALITY_TAG);
    }

    /** The settings from validated connector configuration. */
    public static InventorySettings from(ConnectorConfig config) {
        return new InventorySettings(config.string(OWNER_TAG).orElse("owner"), config.string(CRITICALITY_TAG).orElse(ENGINE_CRITICALITY_TAG));
    }

    private static void check(String property, String key) {
        if (key == null || key.isBlank() || !TAG_KEY.matcher(key).matches()) {
            throw new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'aws': " + property
                    + ": expected an IAM tag key (1-128 letters, digits, spaces or _.:/=+-@), got '" + key + "'");
        }
    }
}
