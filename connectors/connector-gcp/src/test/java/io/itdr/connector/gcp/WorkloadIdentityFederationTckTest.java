package io.itdr.connector.gcp;

import io.itdr.connector.tck.KitScope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The connector test kit signed in by workload identity federation: an {@code external_account} credential
 * configuration whose subject token (a CI job's OIDC token) is read from a file, exchanged at the simulated Security
 * Token Service ({@code token_url}), and whose federated token then impersonates the reader service account through
 * {@code generateAccessToken} ({@code service_account_impersonation_url}); only that account's token opens the APIs.
 * The STS client secret carries the canary.
 */
class WorkloadIdentityFederationTckTest extends GcpConnectorTckTest {
    private static final String PASSWORD = "sandbox-tls";
    private static Path directory;
    private static Path subjectToken;

    /**
     * Hides the kit's plain-HTTP sandbox: this one also answers on HTTPS, with a key for localhost made by the JDK's
     * keytool and trusted by this JVM (the surefire execution {@code sign-in} runs this class in a JVM of its own, so
     * the JVM's default trust is set before anything opened a TLS connection).
     */
    @BeforeAll
    static void startProject() {
        try {
            startTlsProject();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void startTlsProject() throws IOException, InterruptedException {
        directory = Files.createTempDirectory("itdr-wif");
        Path keystore = directory.resolve("localhost.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        System.setProperty("javax.net.ssl.trustStore", keystore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        sandbox = new GcpSandbox(keystore, PASSWORD);
        subjectToken = directory.resolve("oidc-token.jwt");
        Files.writeString(subjectToken, GcpSandbox.SUBJECT_TOKEN, StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stopProject() {
        sandbox.close();
        try (var files = Files.list(directory)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
            Files.delete(directory);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of("projects", GcpSandbox.PROJECT, "sign-in", "credentials-json", "credentials-json",
                sandbox.workloadIdentityFile(subjectToken, CANARY_SECRET), "verify-attempts", "1");
    }

    /** The checks that depend on the sign-in; the main sign-in mode's kit test runs the rest (the same calls). */
    @Override
    protected KitScope scope() {
        return KitScope.SIGN_IN;
    }
}
