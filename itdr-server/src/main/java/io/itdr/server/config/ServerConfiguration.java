package io.itdr.server.config;

import io.itdr.core.act.KillSwitch;
import io.itdr.server.engine.Automation;
import io.itdr.server.connector.ConnectorRuntime;
import io.itdr.server.engine.Engine;
import io.itdr.server.store.JdbcActionStore;
import io.itdr.server.store.JdbcAutomationStore;
import io.itdr.server.store.JdbcCaseStore;
import io.itdr.server.store.JdbcCursorStore;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.server.store.JdbcLedger;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** Wires the stores and the engine onto the server's DataSource (migrated by Flyway first). */
@Configuration(proxyBeanMethods = false)
public class ServerConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcLedger ledger(DataSource dataSource, Clock clock) {
        return new JdbcLedger(dataSource, clock);
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcActionStore actionStore(DataSource dataSource) {
        return new JdbcActionStore(dataSource);
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcEventStore eventStore(DataSource dataSource, ItdrProperties properties) {
        String retention = properties.events().retention().toUpperCase(Locale.ROOT);
        try {
            return new JdbcEventStore(dataSource, JdbcEventStore.Retention.valueOf(retention));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("itdr.events.retention: expected full or digest, got '" + properties.events().retention() + "'");
        }
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcCaseStore caseStore(DataSource dataSource, ItdrProperties properties) {
        return new JdbcCaseStore(dataSource, properties.incidents().window());
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcCursorStore cursorStore(DataSource dataSource) {
        return new JdbcCursorStore(dataSource);
    }

    @Bean
    KillSwitch killSwitch(JdbcLedger ledger, Clock clock) {
        return new KillSwitch(ledger, clock);
    }

    @Bean
    @DependsOnDatabaseInitialization
    Automation automation(KillSwitch killSwitch, DataSource dataSource) {
        return new Automation(killSwitch, new JdbcAutomationStore(dataSource));
    }

    @Bean
    Engine engine(ItdrProperties properties, Clock clock, JdbcLedger ledger, JdbcEventStore events, JdbcCaseStore cases,
                  JdbcActionStore actions, ConnectorRuntime connectors, KillSwitch killSwitch, MeterRegistry meters) {
        return new Engine(properties, clock, ledger, events, cases, actions, connectors, killSwitch, meters);
    }

    /** One thread per running connector plus housekeeping: a poll that hangs holds only its own thread. */
    @Bean
    TaskScheduler taskScheduler(ConnectorRuntime connectors) {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(connectors.running().size() * 2 + 2);
        scheduler.setThreadNamePrefix("itdr-scheduler-");
        scheduler.setDaemon(true);
        return scheduler;
    }
}
