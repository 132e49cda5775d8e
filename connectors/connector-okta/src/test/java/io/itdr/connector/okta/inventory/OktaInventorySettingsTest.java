package io.itdr.connector.okta.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import org.junit.jupiter.api.Test;

class OktaInventorySettingsTest {

    @Test
    void defaultsReadOwnerAndCriticalityAndMarkServiceUsersWithACustomBoolean() {
        OktaInventorySettings defaults = OktaInventorySettings.defaults();
        assertThat(defaults).isEqualTo(new OktaInventorySettings("owner", "criticality", "itdr_service_account", "true"));
        assertThat(defaults.serviceUserSearch()).isEqualTo("profile.itdr_service_account eq true");
        assertThat(OktaInventorySettings.PROPERTIES).extracting(ConfigProperty::name)
                .containsExactly("owner-attribute", "criticality-attribute", "service-user-attribute", "service-user-value");
        assertThat(OktaInventorySettings.PROPERTIES).extracting(ConfigProperty::defaultValue)
                .containsExactly("owner", "criticality", "itdr_service_account", "true");
    }

    @Test
    void textValuesAreQuotedInTheSearchAndBooleansAreNot() {
        assertThat(new OktaInventorySettings("owner", "criticality", "userType", "service").serviceUserSearch())
                .isEqualTo("profile.userType eq \"service\"");
        assertThat(new OktaInventorySettings("owner", "criticality", "isRobot", "FALSE").serviceUserSearch())
                .isEqualTo("profile.isRobot eq false");
    }

    @Test
    void namesThatAreNotOktaAttributesAndValuesThatWouldBreakTheSearchAreRefused() {
        assertThatThrownBy(() -> new OktaInventorySettings("owner tag", "criticality", "userType", "service"))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
                    assertThat(e.getMessage()).isEqualTo("Invalid configuration for connector 'okta': owner-attribute: expected an Okta "
                            + "attribute name (a letter, then letters, digits or _), got 'owner tag'");
                });
        assertThatThrownBy(() -> new OktaInventorySettings("owner", "criticality", "profile.userType", "service"))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.getMessage()).contains("service-user-attribute"));
        for (String value : new String[] {"svc\" or true", " ", "a\\b", ""}) {
            assertThatThrownBy(() -> new OktaInventorySettings("owner", "criticality", "userType", value))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
                        assertThat(e.getMessage()).contains("service-user-value: expected 1-200 characters without quotes");
                    });
        }
        assertThatThrownBy(() -> new OktaInventorySettings(null, "criticality", "userType", "service"))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.getMessage()).endsWith("got nothing"));
    }
}
