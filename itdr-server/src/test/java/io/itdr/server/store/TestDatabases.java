package io.itdr.server.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The two databases the server runs on, for tests: an H2 file database opened as the server opens
 * it, and a real PostgreSQL (embedded binaries, started once per test JVM), each test getting a
 * fresh, migrated database.
 */
public final class TestDatabases {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    public static DataSource h2(Path directory) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + directory.resolve("itdr").toAbsolutePath() + ";WRITE_DELAY=0");
        h2.setUser("sa");
        Migrations.migrate(h2);
        return h2;
    }

    /** A new, migrated database on the shared embedded PostgreSQL server. */
    public static synchronized DataSource postgres() {
        try {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException ignored) {
                        // the JVM is ending; the data directory is temporary
                    }
                }));
            }
            String name = "itdr_" + NEXT.incrementAndGet();
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            }
            DataSource database = postgres.getDatabase("postgres", name);
            Migrations.migrate(database);
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
        }
    }

    /**
     * The server properties ({@code spring.datasource.*}) of a new, migrated database on the shared
     * embedded PostgreSQL server, for tests that start the server itself.
     */
    public static synchronized Map<String, Object> postgresProperties() {
        postgres();
        return Map.of("spring.datasource.url", postgres.getJdbcUrl("postgres", "itdr_" + NEXT.get()),
                "spring.datasource.username", "postgres", "spring.datasource.password", "");
    }
}
