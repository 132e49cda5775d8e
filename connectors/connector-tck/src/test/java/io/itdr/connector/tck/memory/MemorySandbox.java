package io.itdr.connector.tck.memory;

import io.itdr.connector.tck.Fault;
import io.itdr.connector.tck.MutatingFault;
import io.itdr.connector.tck.RawExport;
import io.itdr.connector.tck.Sandbox;
import io.itdr.spi.action.ActionTarget;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The sandbox over a {@link MemoryPlatform}. Not thread-safe (the kit calls it from the test thread). */
final class MemorySandbox implements Sandbox {
    private final MemoryPlatform platform;

    MemorySandbox(MemoryPlatform platform) {
        this.platform = platform;
    }

    @Override
    public void reset() {
        platform.reset();
    }

    @Override
    public int mutatingCallCount() {
        return platform.mutatingCalls();
    }

    @Override
    public void injectFault(Fault fault) {
        platform.inject(fault);
    }

    @Override
    public void faultNextMutatingCall(MutatingFault fault) {
        platform.faultNextWrite(fault);
    }

    @Override
    public boolean mutatingFaultPending() {
        return platform.writeFaultPending();
    }

    @Override
    public List<String> seedTelemetry(int records, Set<Integer> malformedAt) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            String id = "evt-" + (platform.feedSize() + 1);
            if (malformedAt.contains(i)) {
                platform.append(id + ";yesterday;app-1");
            } else {
                platform.append(id + ";2026-03-01T10:00:" + String.format("%02d", platform.feedSize() % 60) + "Z;app-1");
                ids.add(id);
            }
        }
        return ids;
    }

    @Override
    public RawExport exportTelemetry() {
        return new RawExport("memory-export.txt", "text/plain",
                String.join("\n", platform.feed()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Set<String> identityIds() {
        return new HashSet<>(platform.apps());
    }

    @Override
    public Map<String, String> snapshotOf(ActionTarget target) {
        return platform.stateUnder(target.identity().id() + "/");
    }

    @Override
    public void applyOutOfBandChange(ActionTarget target) {
        String app = target.identity().id();
        if (target.credential() != null) {
            platform.console(app + "/key/" + target.credential().id() + "/status", "ACTIVE");
        } else {
            platform.console(app + "/sessions", "1");
        }
    }
}
