package io.itdr.core.connect;

import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.inventory.InventorySource;
import io.itdr.spi.telemetry.Confirmation;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.FindingConfirmer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Wrappers that run every call into a plugin with the plugin's class loader as the thread's
 * context class loader, the way Trino's {@code ClassLoaderSafe*} classes do. SDKs look things up
 * through the context loader (the AWS SDK its HTTP client and service metadata, Jackson its
 * modules); called from a host thread, they would look in the host's class path instead.
 *
 * <p>The factory wraps what it creates, and the connector what it hands out, so wrapping the
 * factory once (as {@link PluginFolder} does) covers every object a plugin returns. Every SPI
 * method, default methods included, is overridden ({@code ClassLoaderSafeTest} checks it).
 * Thread-safe when the wrapped object is.
 */
public final class ClassLoaderSafe {
    private ClassLoaderSafe() {
    }

    /** {@code factory} whose calls, and those of everything it creates, run with {@code loader} as context loader. */
    public static ConnectorFactory factory(ConnectorFactory factory, ClassLoader loader) {
        return new SafeFactory(factory, loader);
    }

    static <T> T call(ClassLoader loader, Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    static void run(ClassLoader loader, Runnable work) {
        call(loader, () -> {
            work.run();
            return null;
        });
    }

    /** The wrapped plugin object, for tests and error messages. */
    public static Object unwrap(Object maybeWrapped) {
        return maybeWrapped instanceof Wrapper<?> w ? w.delegate : maybeWrapped;
    }

    private abstract static class Wrapper<T> {
        final T delegate;
        final ClassLoader loader;

        Wrapper(T delegate, ClassLoader loader) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            this.loader = Objects.requireNonNull(loader, "loader");
        }

        @Override
        public String toString() {
            return call(loader, delegate::toString);
        }
    }

    static final class SafeFactory extends Wrapper<ConnectorFactory> implements ConnectorFactory {
        SafeFactory(ConnectorFactory delegate, ClassLoader loader) {
            super(delegate, loader);
        }

        @Override
        public String id() {
            return call(loader, delegate::id);
        }

        @Override
        public String displayName() {
            return call(loader, delegate::displayName);
        }

        @Override
        public String spiVersion() {
            return call(loader, delegate::spiVersion);
        }

        @Override
        public List<ConfigProperty> configProperties() {
            return call(loader, delegate::configProperties);
        }

        @Override
        public Optional<EventNormalizer> exportNormalizer() {
            Optional<EventNormalizer> normalizer = call(loader, delegate::exportNormalizer);
            return normalizer == null ? null : normalizer.map(n -> new SafeNormalizer(n, loader));
        }

        @Override
        public Connector create(ConnectorConfig config, ConnectorContext context) {
            Connector connector = call(loader, () -> delegate.create(config, context));
            return connector == null ? null : new SafeConnector(connector, loader);
        }
    }

    static final class SafeConnector extends Wrapper<Connector> implements Connector {
        SafeConnector(Connector delegate, ClassLoader loader) {
            super(delegate, loader);
        }

        @Override
        public String id() {
            return call(loader, delegate::id);
        }

        @Override
        public Set<Capability> capabilities() {
            return call(loader, delegate::capabilities);
        }

        @Override
        public TelemetrySource telemetry() {
            TelemetrySource source = call(loader, delegate::telemetry);
            return source == null ? null : new SafeTelemetry(source, loader);
        }

        @Override
        public EventNormalizer normalizer() {
            EventNormalizer normalizer = call(loader, delegate::normalizer);
            return normalizer == null ? null : new SafeNormalizer(normalizer, loader);
        }

        @Override
        public InventorySource inventory() {
            InventorySource inventory = call(loader, delegate::inventory);
            return inventory == null ? null : new SafeInventory(inventory, loader);
        }

        @Override
        public ActionExecutor actions() {
            ActionExecutor actions = call(loader, delegate::actions);
            return actions == null ? null : new SafeActions(actions, loader);
        }

        @Override
        public Optional<FindingConfirmer> findingConfirmer() {
            Optional<FindingConfirmer> confirmer = call(loader, delegate::findingConfirmer);
            return confirmer == null ? null : confirmer.map(c -> new SafeConfirmer(c, loader));
        }

        @Override
        public void checkHealth() {
            run(loader, delegate::checkHealth);
        }

        @Override
        public void close() {
            run(loader, delegate::close);
        }
    }

    static final class SafeTelemetry extends Wrapper<TelemetrySource> implements TelemetrySource {
        SafeTelemetry(TelemetrySource delegate, ClassLoader loader) {
            super(delegate, loader);
        }

        @Override
        public TelemetryBatch poll(Cursor cursor, int maxEvents) {
            return call(loader, () -> delegate.poll(cursor, maxEvents));
        }
    }

    static final class SafeConfirmer extends Wrapper<FindingConfirmer> implements FindingConfirmer {
        SafeConfirmer(FindingConfirmer delegate, ClassLoader loader) {
            super(delegate, loader);
        }

        @Override
        public Confirmation confirm(IdentityEvent event) {
            return call(loader, () -> delegate.confirm(event));
        }
    }

    static final class SafeNormalizer extends Wrapper<EventNormalizer> implements EventNormalizer {
        SafeNormalizer(EventNormalizer delegate, ClassLoader loader) {
            super(delegate, loader);
        }

        @Override
        public void normalize(RawPayload payload, NormalizationSink sink) {
            run(loader, () -> delegate.normalize(payload, sink));
        }
    }

    static final class SafeInventory extends Wrapper<InventorySource> implements InventorySource {
        SafeInventory(InventorySource delegate, ClassLoader loader) {
            super(delegate, loader);
        }

        @Override
        public InventoryPage list(String pageToken, int pageSize) {
            return call(loader, () -> delegate.list(pageToken, pageSize));
        }

        @Override
        public Optional<InventoryIdentity> get(String tenant, IdentityRef identity) {
            return call(loader, () -> delegate.get(tenant, identity));
        }
    }

    static final class SafeActions extends Wrapper<ActionExecutor> implements ActionExecutor {
        SafeActions(ActionExecutor delegate, ClassLoader loader) {
            super(delegate, loader);
        }

        @Override
        public Map<Rung, Reversibility> rungs() {
            return call(loader, delegate::rungs);
        }

        @Override
        public ActionPlan plan(ActionRequest request) {
            return call(loader, () -> delegate.plan(request));
        }

        @Override
        public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
            return call(loader, () -> delegate.execute(plan, idempotencyKey));
        }

        @Override
        public Verification verify(ActionPlan plan) {
            return call(loader, () -> delegate.verify(plan));
        }

        @Override
        public RevertResult revert(ActionPlan plan, boolean force) {
            return call(loader, () -> delegate.revert(plan, force));
        }
    }
}
