package io.itdr.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {
    private static final String CANARY = "canary-s3cr3t-value-7781";

    private final ConfigSchema schema = new ConfigSchema("demo", List.of(
            ConfigProperty.required("org-url", ConfigType.URI, "Base URL of the org"),
            ConfigProperty.secret("api-token", "API token used to call the platform", true),
            ConfigProperty.optional("page-size", ConfigType.INT, "Records per page", "100"),
            ConfigProperty.optional("poll-interval", ConfigType.DURATION, "Time between polls", "30s"),
            ConfigProperty.optional("regions", ConfigType.LIST, "Regions to read", null),
            ConfigProperty.optional("verify", ConfigType.BOOLEAN, "Read back after acting", "true"),
            ConfigProperty.oneOf("auth", "Authentication scheme", "token", "token", "oauth")));

    @Test
    void validConfigurationIsTypedWithDefaultsApplied() {
        ConnectorConfig config = schema.validate(Map.of(
                "org-url", "https://example.okta.com", "api-token", CANARY, "regions", "us-east-1, eu-west-1,"));

        assertThat(config.uri("org-url")).contains(URI.create("https://example.okta.com"));
        assertThat(config.secret("api-token")).map(Secret::reveal).contains(CANARY);
        assertThat(config.integer("page-size")).contains(100);
        assertThat(config.duration("poll-interval")).contains(Duration.ofSeconds(30));
        assertThat(config.list("regions")).containsExactly("us-east-1", "eu-west-1");
        assertThat(config.bool("verify")).contains(true);
        assertThat(config.choice("auth")).contains("token");
        assertThat(config.toString()).doesNotContain(CANARY).contains("api-token=****");
    }

    @Test
    void everyProblemIsReportedWithItsPropertyAndNoSecretLeaks() {
        assertThatThrownBy(() -> schema.validate(Map.of(
                "org-url", "not a uri", "page-size", "ten", "poll-interval", "soon",
                "verify", "yes", "auth", "kerberos", "orgurl", CANARY)))
                .isInstanceOfSatisfying(ConfigSchema.InvalidConfigException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
                    assertThat(e.problems()).extracting(p -> p.property()).containsExactlyInAnyOrder(
                            "orgurl", "api-token", "auth", "org-url", "page-size", "poll-interval", "verify");
                    assertThat(e.getMessage())
                            .contains("api-token: is required")
                            .contains("page-size: expected a whole number, got 'ten'")
                            .contains("poll-interval: expected a duration")
                            .contains("auth: expected one of [token, oauth], got 'kerberos'")
                            .contains("orgurl: unknown property")
                            .doesNotContain(CANARY);
                });
    }

    @Test
    void aMalformedSecretIsNeverQuotedInTheError() {
        ConfigSchema numericSecret = new ConfigSchema("demo", List.of(
                new ConfigProperty("pin", ConfigType.INT, "A numeric secret", true, true, null, List.of())));
        assertThatThrownBy(() -> numericSecret.validate(Map.of("pin", CANARY)))
                .hasMessageContaining("pin: expected a whole number, got (secret value)")
                .hasMessageNotContaining(CANARY);
    }

    @Test
    void durationsAcceptUnitsAndIso() {
        ConfigSchema s = new ConfigSchema("d", List.of(ConfigProperty.required("t", ConfigType.DURATION, "a timeout")));
        assertThat(s.validate(Map.of("t", "500ms")).duration("t")).contains(Duration.ofMillis(500));
        assertThat(s.validate(Map.of("t", "5m")).duration("t")).contains(Duration.ofMinutes(5));
        assertThat(s.validate(Map.of("t", "2h")).duration("t")).contains(Duration.ofHours(2));
        assertThat(s.validate(Map.of("t", "1d")).duration("t")).contains(Duration.ofDays(1));
        assertThat(s.validate(Map.of("t", "PT30S")).duration("t")).contains(Duration.ofSeconds(30));
    }

    @Test
    void propertiesMustBeDescribedAndWellFormed() {
        assertThatThrownBy(() -> ConfigProperty.required("x", ConfigType.STRING, " "))
                .hasMessageContaining("needs a description");
        assertThatThrownBy(() -> ConfigProperty.required("Bad_Name", ConfigType.STRING, "d"))
                .hasMessageContaining("lower-case");
        assertThatThrownBy(() -> new ConfigProperty("e", ConfigType.ENUM, "d", true, false, null, List.of()))
                .hasMessageContaining("ENUM");
        assertThatThrownBy(() -> new ConfigSchema("dup", List.of(
                ConfigProperty.required("a", ConfigType.STRING, "d"), ConfigProperty.required("a", ConfigType.INT, "d"))))
                .hasMessageContaining("declares property 'a' twice");
    }

    @Test
    void askingForAnUndeclaredOrMistypedPropertyIsAConnectorBug() {
        ConnectorConfig config = schema.validate(Map.of("org-url", "https://x.example", "api-token", "t"));
        assertThatThrownBy(() -> config.string("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("did not declare property 'nope'");
        assertThatThrownBy(() -> config.string("page-size")).hasMessageContaining("is INT, not STRING");
        assertThatThrownBy(() -> config.string("api-token")).hasMessageContaining("read it with secret()");
    }
}
