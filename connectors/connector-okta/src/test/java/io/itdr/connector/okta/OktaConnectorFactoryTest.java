package io.itdr.connector.okta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.config.ConnectorConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The factory's configuration: described, secrets flagged, one sign-in mode, bad values refused by name. */
class OktaConnectorFactoryTest {
    static final String TOKEN = "00secret-api-token-value-42";
    static final String PEM = "-----BEGIN PRIVATE KEY-----\nMIIsecretkeymaterialthatmustnotleak\n-----END PRIVATE KEY-----\n";
    private final OktaConnectorFactory factory = new OktaConnectorFactory();

    private ConnectorConfig config(Map<String, String> raw) {
        return new ConfigSchema(factory.id(), factory.configProperties()).validate(raw);
    }

    private Connector create(Map<String, String> raw) {
        return factory.create(config(raw), TestingConnectorContext.withRequestTimeout(Duration.ofSeconds(5)));
    }

    private ConnectorException refused(Map<String, String> raw) {
        try {
            create(raw).close();
        } catch (ConnectorException e) {
            assertThat(e.code()).as("code for %s", e.getMessage()).isEqualTo(ErrorCode.CONFIG_INVALID);
            assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain("secretkeymaterial");
            return e;
        }
        throw new AssertionError("accepted " + raw.keySet());
    }

    private static Map<String, String> with(String... pairs) {
        Map<String, String> raw = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            raw.put(pairs[i], pairs[i + 1]);
        }
        return raw;
    }

    @Test
    void everyPropertyIsDescribedAndTheCredentialsAreSecret() {
        List<ConfigProperty> properties = factory.configProperties();
        assertThat(properties).extracting(ConfigProperty::name).containsExactly("org-url", "api-token", "client-id", "private-key", "scopes",
                "owner-attribute", "criticality-attribute", "service-user-patterns", "system-log-lookback", "system-log-filter", "service-user-attribute", "service-user-value");
        assertThat(properties).allSatisfy(p -> assertThat(p.description().split("\\s+").length).as(p.name()).isGreaterThan(8));
        assertThat(properties).filteredOn(ConfigProperty::secret).extracting(ConfigProperty::name).containsExactly("api-token", "private-key");
        assertThat(properties).filteredOn(p -> p.name().equals("scopes")).singleElement().extracting(ConfigProperty::defaultValue)
                .isEqualTo("okta.logs.read,okta.apps.read,okta.apps.manage,okta.users.read,okta.users.manage,okta.apiTokens.read,okta.apiTokens.manage");
        assertThat(factory.id()).isEqualTo("okta");
        assertThat(factory.exportNormalizer()).isPresent();
    }

    @Test
    void anApiTokenOrAServiceAppKeyIsAccepted() {
        try (Connector token = create(with("org-url", "https://example.okta.com", "api-token", TOKEN))) {
            assertThat(token.capabilities()).containsExactlyInAnyOrder(Capability.TELEMETRY_POLL, Capability.TELEMETRY_NORMALIZE,
                    Capability.INVENTORY, Capability.ACTIONS);
            assertThat(token.toString()).doesNotContain(TOKEN).contains("SSWS api token (****)");
            assertThat(((OktaConnector) token).settings().authMode()).isEqualTo(OktaSettings.AuthMode.API_TOKEN);
        }
        try (Connector key = create(with("org-url", "https://example.okta.com/", "client-id", "0oa1b2c3d4e5f6g7h8i9", "private-key", PEM,
                "scopes", "okta.logs.read"))) {
            OktaSettings settings = ((OktaConnector) key).settings();
            assertThat(settings.authMode()).isEqualTo(OktaSettings.AuthMode.PRIVATE_KEY);
            assertThat(key.capabilities()).as("capabilities do not depend on the sign-in mode").containsExactlyInAnyOrder(
                    Capability.TELEMETRY_POLL, Capability.TELEMETRY_NORMALIZE, Capability.INVENTORY, Capability.ACTIONS);
            assertThat(settings.scopes()).containsExactly("okta.logs.read");
            assertThat(settings.org()).isEqualTo("example.okta.com");
            assertThat(key.toString()).doesNotContain("secretkeymaterial").contains("0oa1b2c3d4e5f6g7h8i9");
            assertThat(settings.toString()).doesNotContain("secretkeymaterial");
        }
        assertThat(config(with("org-url", "https://example.okta.com", "api-token", TOKEN)).toString()).doesNotContain(TOKEN);
    }

    @Test
    void exactlyOneWayToSignInIsRequired() {
        assertThat(refused(with("org-url", "https://example.okta.com")).getMessage()).contains("api-token: no way to sign in");
        assertThat(refused(with("org-url", "https://example.okta.com", "api-token", TOKEN, "client-id", "0oa1b2c3d4e5f6g7h8i9",
                "private-key", PEM)).getMessage()).contains("not both");
        assertThat(refused(with("org-url", "https://example.okta.com", "client-id", "0oa1b2c3d4e5f6g7h8i9")).getMessage())
                .contains("private-key: is required with client-id");
        assertThat(refused(with("org-url", "https://example.okta.com", "private-key", PEM)).getMessage())
                .contains("client-id: is required with private-key");
        assertThat(refused(with("org-url", "https://example.okta.com", "client-id", "0oa1b2c3d4e5f6g7h8i9", "private-key",
                "not a pem secretkeymaterial")).getMessage()).contains("private-key: expected a PEM private key");
        assertThat(refused(with("org-url", "https://example.okta.com", "client-id", "0oa1b2c3d4e5f6g7h8i9", "private-key", PEM,
                "scopes", "okta.logs.read,bad scope!")).getMessage()).contains("scopes: 'bad scope!'");
    }

    @Test
    void theOrgUrlIsHttpsAndNothingElse() {
        for (String url : new String[]{"http://example.okta.com", "https://example.okta.com/oauth2/default", "https://example.okta.com?x=1",
                "https://user@example.okta.com", "ftp://example.okta.com"}) {
            assertThat(refused(with("org-url", url, "api-token", TOKEN)).getMessage()).as(url).contains("org-url");
        }
        assertThat(refused(with("org-url", "https://{yourOktaDomain}", "api-token", TOKEN)).getMessage()).contains("org-url");
    }

    @Test
    void otherValuesAreCheckedByName() {
        assertThat(refused(with("org-url", "https://example.okta.com", "api-token", TOKEN, "system-log-lookback", "91d")).getMessage())
                .contains("system-log-lookback");
        assertThat(refused(with("org-url", "https://example.okta.com", "api-token", TOKEN, "system-log-lookback", "0s")).getMessage())
                .contains("system-log-lookback");
        assertThat(refused(with("org-url", "https://example.okta.com", "api-token", TOKEN, "system-log-filter", "eventType eq \"a\"\nx"))
                .getMessage()).contains("system-log-filter: contains a control character");
        assertThat(refused(with("org-url", "https://example.okta.com", "api-token", TOKEN, "owner-attribute", "owner name")).getMessage())
                .contains("owner-attribute");
        assertThatThrownBy(() -> config(with("org-url", "https://example.okta.com", "api-token", TOKEN, "apitoken", "typo")))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.getMessage()).contains("apitoken: unknown property"));
    }
}
