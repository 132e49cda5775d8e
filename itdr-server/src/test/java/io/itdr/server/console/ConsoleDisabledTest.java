package io.itdr.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.server.api.ApiServerTest;
import org.junit.jupiter.api.Test;

/** Without {@code itdr.console.*} there is no console: its paths are unknown to the API's chain, which denies them. */
class ConsoleDisabledTest extends ApiServerTest {

    @Test
    void anUnconfiguredServerServesNoConsole() {
        assertThat(anonymous().get("/console").status()).isEqualTo(401);
        assertThat(anonymous().get("/console/login").status()).isEqualTo(401);
        assertThat(anonymous().get("/console/oauth2/authorization/itdr").status()).isEqualTo(401);
        assertThat(admin().get("/console").status()).as("denied by default, whatever the token").isEqualTo(403);
        assertThat(admin().get("/console/console.css").status()).isEqualTo(403);
    }
}
