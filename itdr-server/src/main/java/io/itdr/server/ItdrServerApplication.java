package io.itdr.server;

import io.itdr.server.config.ItdrProperties;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The central server (DESIGN §7): connectors polled on a schedule, the engine with its database,
 * the REST API under {@code /api/v1}, actuator health and Prometheus metrics. {@code itdr serve}
 * starts it; so does {@link #start}.
 */
@SpringBootApplication
@EnableScheduling
@EnableConfigurationProperties(ItdrProperties.class)
public class ItdrServerApplication {

    /** Starts the server with {@code args} and {@code defaults} under every other property source. */
    public static ConfigurableApplicationContext start(Map<String, Object> defaults, String... args) {
        SpringApplication application = new SpringApplication(ItdrServerApplication.class);
        application.setDefaultProperties(defaults);
        application.setMainApplicationClass(ItdrServerApplication.class);
        return application.run(args);
    }

    public static void main(String[] args) {
        start(Map.of(), args);
    }
}
