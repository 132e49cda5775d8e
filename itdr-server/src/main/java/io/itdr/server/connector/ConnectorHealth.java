package io.itdr.server.connector;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Actuator health with one indicator per running connector ({@code /actuator/health/connectors/aws}):
 * down while its last poll failed, with the error (connectors' messages never carry secrets).
 */
@Component("connectors")
public class ConnectorHealth implements CompositeHealthContributor {
    private final Map<String, HealthIndicator> indicators;

    public ConnectorHealth(ConnectorRuntime connectors) {
        this.indicators = connectors.running().stream().collect(Collectors.toUnmodifiableMap(ConnectorRuntime.Managed::id,
                managed -> () -> health(managed.status().view())));
    }

    private static Health health(ConnectorStatus.View view) {
        Health.Builder builder = view.healthy() ? Health.up() : Health.down();
        builder.withDetail("polls", view.polls()).withDetail("pollFailures", view.pollFailures())
                .withDetail("eventsAccepted", view.eventsAccepted()).withDetail("eventsRejected", view.eventsRejected());
        if (view.lastPollAt() != null) {
            builder.withDetail("lastPollAt", view.lastPollAt().toString());
        }
        if (view.lastSuccessAt() != null) {
            builder.withDetail("lastSuccessAt", view.lastSuccessAt().toString());
        }
        if (view.lastError() != null) {
            builder.withDetail("lastError", view.lastError());
        }
        return builder.build();
    }

    @Override
    public HealthContributor getContributor(String name) {
        return indicators.get(name);
    }

    @Override
    public Stream<HealthContributors.Entry> stream() {
        return indicators.entrySet().stream().map(e -> new HealthContributors.Entry(e.getKey(), e.getValue()));
    }
}
