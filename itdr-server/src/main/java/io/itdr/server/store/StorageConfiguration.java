package io.itdr.server.store;

import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The database's checks at start-up (the file before anything opens it; after migrating, a trial write) and its health
 * indicator; see {@link StorageCheck}.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    /**
     * The database file, checked before any bean exists: whatever opens the database first (H2
     * writes a header into an empty file as it opens it) would hide a zero-byte file.
     */
    @Bean
    static BeanFactoryPostProcessor storageFileCheck(Environment environment) {
        return beanFactory -> StorageCheck.beforeOpen(environment.getProperty("spring.datasource.url", ""));
    }

    /** Flyway's migration, checked after (a trial write). */
    @Bean
    FlywayMigrationStrategy checkedMigration(DataSource dataSource) {
        return flyway -> {
            try {
                flyway.migrate();
            } catch (FlywayException e) {
                throw new StorageUnusableException("the schema cannot be brought up to date (" + e.getMessage().lines().findFirst().orElse("")
                        + "); a read-only or corrupted database fails here", e);
            }
            StorageCheck.writable(dataSource);
        };
    }

    /** Health {@code db}: UP only while the database takes writes. */
    @Bean(name = "dbHealthContributor")
    HealthIndicator dbHealthContributor(DataSource dataSource) {
        return new StorageHealth(dataSource);
    }
}
