package io.itdr.server.console;

import io.itdr.core.act.ActionRefusedException;
import io.itdr.core.act.StaleActionException;
import io.itdr.core.decide.policy.PolicyException;
import io.itdr.core.normalize.Printable;
import io.itdr.server.api.ApiProblem;
import io.itdr.server.response.PolicyActivation;
import io.itdr.server.security.RoleRequiredException;
import io.itdr.spi.ConnectorException;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a person is told when a console form is refused: the same messages the API puts in its problem details (engine
 * refusals keep their reason, a missing role names the role), never an exception's internals; anything unexpected is
 * logged with a reference the page shows. Stateless.
 */
final class ConsoleErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleErrors.class);

    private ConsoleErrors() {
    }

    /** The message for a refusal the person can act on; empty for a failure of the server (logged, see {@link #describe}). */
    static Optional<String> refusal(RuntimeException e) {
        if (e instanceof ActionRefusedException refused) {
            return Optional.of("Refused (" + refused.refusal().name().toLowerCase(java.util.Locale.ROOT) + "): " + refused.getMessage());
        }
        if (e instanceof ApiProblem || e instanceof RoleRequiredException || e instanceof StaleActionException
                || e instanceof PolicyActivation.RefusedException || e instanceof ConnectorException) {
            return Optional.of(e.getMessage());
        }
        if (e instanceof PolicyException invalid) {
            return Optional.of("The policy is invalid: " + invalid.problems().size() + " problem(s), first " + invalid.problems().get(0));
        }
        return Optional.empty();
    }

    /** A refusal's message, or a reference to the log for a failure of the server. */
    static String describe(String what, RuntimeException e) {
        return refusal(e).map(Printable::escape).orElseGet(() -> {
            String reference = UUID.randomUUID().toString();
            LOG.error("console: {} failed (reference {})", what, reference, e);
            return "The server failed to handle this; the log holds the details under reference " + reference;
        });
    }
}
