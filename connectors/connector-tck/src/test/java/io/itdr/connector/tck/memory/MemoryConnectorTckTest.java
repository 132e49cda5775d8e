package io.itdr.connector.tck.memory;

import io.itdr.connector.tck.Behavior;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Sandbox;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kit against the in-memory connector: with no defect every check passes, which shows the
 * kit can be satisfied. {@link ConnectorTckBitesTest} subclasses it with defects.
 */
public class MemoryConnectorTckTest extends ConnectorTck {

    /** The bug to build in; none here. */
    protected Defect defect() {
        return Defect.NONE;
    }

    private String platformName() {
        return getClass().getSimpleName();
    }

    @Override
    protected ConnectorFactory factory() {
        return new MemoryConnectorFactory();
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of("platform", platformName(), "api-key", CANARY_SECRET, "defect", defect().configValue());
    }

    @Override
    protected Sandbox sandbox() {
        return new MemorySandbox(MemoryPlatform.named(platformName(), CANARY_SECRET));
    }

    @Override
    protected Set<Behavior> behaviors() {
        return EnumSet.of(Behavior.TELEMETRY_POLL, Behavior.TELEMETRY_NORMALIZE, Behavior.INVENTORY, Behavior.ACTIONS,
                Behavior.EXPORT_NORMALIZER, Behavior.HEALTH_CHECK);
    }

    @Override
    protected List<ActionRequest> actionRequests() {
        return List.of(
                new ActionRequest(Rung.DISABLE_CREDENTIAL,
                        new ActionTarget(null, IdentityRef.of("app-1"), new CredentialRef("key-1", "api_key")), Map.of()),
                new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(null, IdentityRef.of("app-2"), null), Map.of()));
    }
}
