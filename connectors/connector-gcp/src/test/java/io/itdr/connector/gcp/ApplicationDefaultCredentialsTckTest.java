package io.itdr.connector.gcp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.itdr.connector.tck.KitScope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * The connector test kit with {@code sign-in=application-default}: Google's auth library finds the credentials
 * through the {@code GOOGLE_APPLICATION_CREDENTIALS} environment variable
 * (https://cloud.google.com/docs/authentication/application-default-credentials#GAC), here a user's
 * {@code authorized_user} file whose {@code token_uri} is the sandbox. The library reads that variable once per
 * process, so this class runs in a JVM of its own (the pom's {@code sign-in} surefire
 * execution sets the variable to a path under target/); the file is written there before the first sign-in,
 * once the sandbox's port is known. Elsewhere it is skipped.
 */
class ApplicationDefaultCredentialsTckTest extends GcpConnectorTckTest {
    static final String VARIABLE = "GOOGLE_APPLICATION_CREDENTIALS";

    @BeforeAll
    static void writeTheFileTheVariableNames() throws IOException {
        String path = System.getenv(VARIABLE);
        assumeTrue(path != null && path.contains("itdr-adc"), VARIABLE + " is set by the application-default-credentials execution only");
        Path file = Path.of(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, sandbox.authorizedUserFile(CANARY_SECRET), StandardCharsets.UTF_8);
    }

    /** The credentials are in the file the variable names (its client secret is the canary), not in a property. */
    @Override
    protected java.util.Set<String> secretsOfOtherSignInModes() {
        return java.util.Set.of("credentials-json");
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of("projects", GcpSandbox.PROJECT, "sign-in", "application-default", "verify-attempts", "1");
    }

    /** The checks that depend on the sign-in; the main sign-in mode's kit test runs the rest (the same calls). */
    @Override
    protected KitScope scope() {
        return KitScope.SIGN_IN;
    }
}
