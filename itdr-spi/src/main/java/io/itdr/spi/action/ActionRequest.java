package io.itdr.spi.action;

import java.util.Map;
import java.util.Objects;

/**
 * What the engine asks a connector to plan.
 *
 * @param rung       the rung to carry out; never null, never an observing rung
 * @param target     what to act on; never null
 * @param parameters extra inputs the rung needs (for rotation: where the new secret goes, e.g.
 *                   {@code secret-destination}); never null
 */
public record ActionRequest(Rung rung, ActionTarget target, Map<String, String> parameters) {
    public ActionRequest {
        Objects.requireNonNull(rung, "rung");
        Objects.requireNonNull(target, "target");
        parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
        if (rung.isObserving()) {
            throw new IllegalArgumentException("rung " + rung.policyName() + " changes nothing on a platform and is not planned by a connector");
        }
    }
}
