package io.itdr.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The schema's Flyway migrations: {@code db/migration/common} for every database plus the
 * vendor's folder ({@code h2}, {@code postgresql}) for what SQL cannot say portably (the ledger's
 * append-only trigger). The server runs them through Spring Boot with the same locations; this
 * entry point is for tools that open a database without the server (benchmarks, {@code itdr ledger
 * verify --db}).
 */
public final class Migrations {
    public static final String COMMON = "classpath:db/migration/common";

    private Migrations() {
    }

    /** Brings the schema of {@code dataSource} to the newest version; returns how many migrations ran. */
    public static int migrate(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(COMMON, "classpath:db/migration/" + vendor(dataSource))
                .load()
                .migrate()
                .migrationsExecuted;
    }

    /** The vendor folder for the database behind {@code dataSource}. */
    public static String vendor(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("h2")) {
                return "h2";
            }
            if (product.contains("postgres")) {
                return "postgresql";
            }
            throw new StoreException("unsupported database '" + product + "': itdr runs on H2 and PostgreSQL");
        } catch (SQLException e) {
            throw new StoreException("cannot open the database to read its product name: " + e.getMessage(), e);
        }
    }
}
