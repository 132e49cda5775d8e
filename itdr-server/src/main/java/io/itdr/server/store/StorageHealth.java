package io.itdr.server.store;

import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health {@code db}: UP only when the database takes a write (a row inserted and rolled back, see
 * {@link StorageCheck}), not merely when it answers a query: a read-only or full database answered
 * {@code SELECT 1} and reported UP while every write failed. Replaces Spring Boot's own {@code db}
 * indicator (bean name {@code dbHealthContributor}). Thread-safe.
 */
public class StorageHealth implements HealthIndicator {
    private final DataSource dataSource;

    public StorageHealth(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Health health() {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            if (connection.getMetaData().isReadOnly()) {
                return Health.down().withDetail("database", product).withDetail("error", "the database is read-only").build();
            }
            StorageCheck.probe(connection);
            return Health.up().withDetail("database", product).withDetail("writes", "ok").build();
        } catch (Exception e) {
            return Health.down().withDetail("error", "writes fail: " + e.getClass().getSimpleName()).build();
        }
    }
}
