package io.itdr.it.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** One embedded PostgreSQL server per test JVM (real binaries from Maven); a fresh database per call. */
final class EmbeddedDatabase {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private EmbeddedDatabase() {
    }

    static synchronized Map<String, Object> postgresProperties() {
        try {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException ignored) {
                        // the JVM is ending
                    }
                }));
            }
            String name = "itdr_e2e_" + NEXT.incrementAndGet();
            try (Connection connection = postgres.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            }
            return Map.of("spring.datasource.url", postgres.getJdbcUrl("postgres", name), "spring.datasource.username", "postgres",
                    "spring.datasource.password", "");
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a database: " + e.getMessage(), e);
        }
    }
}
