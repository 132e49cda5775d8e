package io.itdr.server.api;

import io.itdr.server.ItdrServerApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole server, started once per test JVM exactly as {@code itdr serve} starts it, on a random
 * port: an in-memory H2 database, the AWS connector on {@link TestEstate}'s sandbox, an
 * enforce-mode policy, JWTs trusted from the test key, a bootstrap admin token, and ingest limits of
 * 64 KiB as sent, 1 MiB unpacked and 50 records, and 3 attempts before a pushed event is dead-lettered. (Plain JUnit rather than Spring's test support: Spring Framework 7's extension needs
 * JUnit 6, the build uses JUnit 5.)
 */
public final class TestServer {
    public static final String ADMIN_TOKEN = "itdr_api-test-bootstrap-admin-0123456789abcdef";
    public static final int MAX_PAYLOAD = 64 * 1024;
    public static final int MAX_UNPACKED = 1024 * 1024;
    public static final int MAX_RECORDS = 50;
    public static final int MAX_BACKLOG = 500;
    public static final int MAX_ATTEMPTS = 3;
    private static TestServer instance;

    private final ConfigurableApplicationContext context;
    private final int port;

    private TestServer() {
        Map<String, String> properties = new TreeMap<>(TestEstate.get().serverProperties());
        properties.put("server.port", "0");
        properties.put("spring.datasource.url", "jdbc:h2:mem:itdr-api-test;DB_CLOSE_DELAY=-1");
        properties.put("itdr.security.bootstrap-admin-token", ADMIN_TOKEN);
        properties.put("itdr.ingest.max-payload", MAX_PAYLOAD + "B");
        properties.put("itdr.ingest.max-unpacked", MAX_UNPACKED + "B");
        properties.put("itdr.ingest.max-records", Integer.toString(MAX_RECORDS));
        properties.put("itdr.ingest.max-backlog", Integer.toString(MAX_BACKLOG));
        properties.put("itdr.ingest.max-attempts", Integer.toString(MAX_ATTEMPTS));
        properties.put("itdr.rules.dirs", ruleFolder().toString());
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        context = ItdrServerApplication.start(Map.of(), args.toArray(String[]::new));
        port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
        Runtime.getRuntime().addShutdownHook(new Thread(context::close));
    }

    /** The id of the one Sigma rule the server runs: it matches a CloudTrail record named {@link #RULE_PROBE} only. */
    public static final String RULE_ID = "5e1f0c1e-0000-4000-8000-0000000000a1";
    public static final String RULE_PROBE = "ItdrRuleProbe";

    private static java.nio.file.Path ruleFolder() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("itdr-api-test-rules");
            java.nio.file.Files.writeString(dir.resolve("probe.yml"), """
                    title: API test probe
                    id: %s
                    level: medium
                    logsource: {product: aws, service: cloudtrail}
                    detection:
                      selection:
                        eventName: %s
                      condition: selection
                    """.formatted(RULE_ID, RULE_PROBE));
            dir.toFile().deleteOnExit();
            dir.resolve("probe.yml").toFile().deleteOnExit();
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static synchronized TestServer get() {
        if (instance == null) {
            instance = new TestServer();
        }
        return instance;
    }

    public int port() {
        return port;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }
}
