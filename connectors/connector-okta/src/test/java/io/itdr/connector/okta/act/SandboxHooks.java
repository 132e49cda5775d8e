package io.itdr.connector.okta.act;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.util.HashMap;
import java.util.Map;

/**
 * One-shot behaviours the {@link ManagementApiSandbox} applies to the next call of an operation, after its
 * effect on the model: a delayed answer (the change is made, the caller times out: "effect
 * unknown") or a side effect (an app deleted while a page is being read). Guarded by its own lock.
 */
public final class SandboxHooks {
    private final Map<String, Integer> delays = new HashMap<>();
    private final Map<String, Runnable> afterwards = new HashMap<>();

    /** The next {@code operation} (an Okta operationId, e.g. "deactivateApplication") is carried out, then answered after {@code millis}. */
    public synchronized void delayNext(String operation, int millis) {
        delays.put(operation, millis);
    }

    /** Right after the next {@code operation} is answered, {@code sideEffect} changes the model. */
    public synchronized void afterNext(String operation, Runnable sideEffect) {
        afterwards.put(operation, sideEffect);
    }

    synchronized ResponseDefinition apply(String operation, ResponseDefinition answer) {
        Runnable sideEffect = afterwards.remove(operation);
        if (sideEffect != null) {
            sideEffect.run();
        }
        Integer delay = delays.remove(operation);
        return delay == null ? answer : ResponseDefinitionBuilder.like(answer).withFixedDelay(delay).build();
    }
}
