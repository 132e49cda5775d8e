package io.itdr.connector.tck.memory;

import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Fault;
import io.itdr.connector.tck.MutatingFault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A platform held in memory, for the kit's own tests: a telemetry feed of raw text records
 * ({@code id;time;app}), service apps whose keys and sessions live in flat state, a fault switch
 * and a count of mutating calls. Found by name, so a ServiceLoader-made factory can reach it.
 * Thread-safe.
 */
final class MemoryPlatform {
    private static final Map<String, MemoryPlatform> BY_NAME = new ConcurrentHashMap<>();

    private final List<String> feed = new ArrayList<>();
    private final Map<String, String> state = new TreeMap<>();
    private final String apiKey;
    private Fault fault;
    private MutatingFault nextWriteFault;
    private int mutatingCalls;

    private MemoryPlatform(String apiKey) {
        this.apiKey = apiKey;
        reset();
    }

    static MemoryPlatform named(String name, String apiKey) {
        return BY_NAME.computeIfAbsent(name, n -> new MemoryPlatform(apiKey));
    }

    /** What the platform answers instead of doing the call. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Fault fault;

        Failure(Fault fault) {
            super(fault.kind().name());
            this.fault = fault;
        }
    }

    synchronized void reset() {
        feed.clear();
        state.clear();
        state.put("app-1/key/key-1/status", "ACTIVE");
        state.put("app-1/key/key-2/status", "ACTIVE");
        state.put("app-1/sessions", "2");
        state.put("app-2/key/key-3/status", "ACTIVE");
        state.put("app-2/sessions", "1");
        state.put("app-3/key/key-4/status", "INACTIVE");
        state.put("app-3/sessions", "0");
        fault = null;
        nextWriteFault = null;
        mutatingCalls = 0;
    }

    synchronized void inject(Fault f) {
        fault = f;
    }

    /** The next write meets {@code f}: refused unapplied (throttled), or applied and its answer lost (a dropped connection). */
    synchronized void faultNextWrite(MutatingFault f) {
        nextWriteFault = f;
    }

    synchronized boolean writeFaultPending() {
        return nextWriteFault != null;
    }

    synchronized int mutatingCalls() {
        return mutatingCalls;
    }

    /** Every call passes here first: it is counted, then answered with the fault or a refused key. */
    private void enter(String key, boolean mutating) {
        if (mutating) {
            mutatingCalls++;
        }
        if (fault != null) {
            throw new Failure(fault);
        }
        if (!apiKey.equals(key)) {
            throw new Failure(new Fault(Fault.Kind.BAD_CREDENTIALS, null));
        }
    }

    synchronized List<String> records(String key, int from, int max) {
        enter(key, false);
        return List.copyOf(feed.subList(Math.min(from, feed.size()), Math.min(from + max, feed.size())));
    }

    synchronized int feedSize() {
        return feed.size();
    }

    synchronized List<String> feed() {
        return List.copyOf(feed);
    }

    synchronized void append(String record) {
        feed.add(record);
    }

    synchronized Map<String, String> read(String key, String prefix) {
        enter(key, false);
        return stateUnder(prefix);
    }

    synchronized Map<String, String> stateUnder(String prefix) {
        Map<String, String> under = new TreeMap<>();
        state.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                under.put(k, v);
            }
        });
        return under;
    }

    /** Sets a value; sessions once revoked cannot come back (the platform only ever lowers the count). */
    synchronized void write(String key, String name, String value) {
        enter(key, true);
        MutatingFault met = nextWriteFault;
        nextWriteFault = null;
        if (met == MutatingFault.THROTTLED) {
            throw new Failure(new Fault(Fault.Kind.THROTTLED, ConnectorTck.RETRY_AFTER));
        }
        if (!(name.endsWith("/sessions") && Integer.parseInt(value) > Integer.parseInt(state.get(name)))) {
            state.put(name, value);
        }
        if (met != null) {
            throw new Failure(new Fault(Fault.Kind.CONNECTION_RESET, null));
        }
    }

    /** A change made at the platform's console: not a call of the connector, so not counted. */
    synchronized void console(String name, String value) {
        state.put(name, value);
    }

    synchronized List<String> apps() {
        return state.keySet().stream().map(k -> k.substring(0, k.indexOf('/'))).distinct().toList();
    }
}
