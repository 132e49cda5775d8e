package io.itdr.server.api;

import io.itdr.fixture.aws.IamSandbox;
import io.itdr.core.model.Finding;
import io.itdr.server.intake.EventIntake;
import io.itdr.server.query.CaseQueries;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Makes the engine find something: a role session used from its own network and then, four
 * minutes later, replayed from another ({@code token_replay}), which the enforce-mode default
 * policy answers with {@code quarantine_session}, carried out on the IAM sandbox.
 */
public final class Sessions {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    private Sessions() {
    }

    /** Creates the role {@code roleName} in the sandbox, replays its session, and returns the finding. */
    public static Finding replayed(TestServer server, String roleName) {
        return replayed(server::bean, roleName);
    }

    /** As {@link #replayed(TestServer, String)}, on a server of the test's own. */
    public static Finding replayed(org.springframework.context.ApplicationContext context, String roleName) {
        return replayed(context::getBean, roleName);
    }

    private interface Beans {
        <T> T bean(Class<T> type);
    }

    private static Finding replayed(Beans server, String roleName) {
        IamSandbox iam = TestEstate.get().iam;
        synchronized (iam) {
            iam.roles.put(roleName, new IamSandbox.Role());
        }
        String arn = "arn:aws:iam::" + TestEstate.ACCOUNT + ":role/" + roleName;
        server.bean(EventIntake.class).accept("aws", List.of(
                call(roleName + "-own", arn, T0, new Source("10.20.0.5", 16509L, "AMAZON-02", null, "aws-sdk-java/2.57.8", false)),
                call(roleName + "-replay", arn, T0.plusSeconds(240),
                        new Source("203.0.113.9", 14061L, "DIGITALOCEAN", null, "python-requests/2.31", false))));
        return server.bean(CaseQueries.class).findings(null, 500, 0).stream().filter(f -> f.identity().id().equals(arn)).findFirst()
                .orElseThrow(() -> new AssertionError("no finding for " + arn));
    }

    private static IdentityEvent call(String id, String arn, Instant at, Source source) {
        String session = "ASIA" + Integer.toHexString(arn.hashCode()).toUpperCase();
        return IdentityEvent.builder(id, at, "aws", new IdentityRef(arn, "iam_role", arn.substring(arn.lastIndexOf('/') + 1)))
                .tenant(TestEstate.ACCOUNT)
                .credential(new CredentialRef(session, "session_key"))
                .category(EventCategory.API_CALL).action("dynamodb:Query")
                .source(source)
                .session(new SessionInfo(arn + "-session", session, at.minus(Duration.ofMinutes(20)), false))
                .workload(new Workload("orders-api", "k8s", "orders-api"))
                .build();
    }
}
