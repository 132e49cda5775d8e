package io.itdr.connector.support;

import io.itdr.spi.Capability;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.inventory.InventorySource;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.TelemetrySource;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The capability half of a {@link io.itdr.spi.Connector}, written once: a connector hands over the
 * parts it has (telemetry source, normalizer, inventory, executor) and answers
 * {@code capabilities()} and the four accessors from here. The capabilities declared are exactly
 * the parts given, so the two cannot disagree; an accessor for a part not given refuses with the
 * SPI's standard {@code NOT_SUPPORTED} error, worded as the SPI's defaults word it.
 *
 * <p>A part may be given as a supplier, made on first use and then kept (for parts whose creation
 * already calls the platform, which creating a connector must not); a supplier that throws is
 * called again on the next use.
 *
 * <p>Thread-safe once built: each supplier is called by one thread at a time, and its result is
 * published safely.
 */
public final class ConnectorParts {
    private final String connectorId;
    private final Map<Capability, Part<?>> parts;
    private final Set<Capability> capabilities;

    private ConnectorParts(Builder builder) {
        this.connectorId = builder.connectorId;
        this.parts = Collections.unmodifiableMap(new EnumMap<>(builder.parts));
        this.capabilities = builder.parts.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(builder.parts.keySet()));
    }

    /**
     * Parts for the connector {@code connectorId}.
     *
     * @param connectorId the connector's id, for the standard refusal; never null
     */
    public static Builder builder(String connectorId) {
        return new Builder(connectorId);
    }

    /** The connector's id, as given to {@link #builder(String)}. */
    public String connectorId() {
        return connectorId;
    }

    /** The capabilities declared: one per part given; never null, unmodifiable. */
    public Set<Capability> capabilities() {
        return capabilities;
    }

    /**
     * The telemetry source.
     *
     * @throws ConnectorException {@code NOT_SUPPORTED} when none was given
     */
    public TelemetrySource telemetry() {
        return get(Capability.TELEMETRY_POLL, TelemetrySource.class, "telemetry polling");
    }

    /**
     * The normalizer of pushed payloads.
     *
     * @throws ConnectorException {@code NOT_SUPPORTED} when none was given
     */
    public EventNormalizer normalizer() {
        return get(Capability.TELEMETRY_NORMALIZE, EventNormalizer.class, "normalizing pushed payloads");
    }

    /**
     * The inventory, made now if it is made on first use.
     *
     * @throws ConnectorException {@code NOT_SUPPORTED} when none was given; whatever its supplier throws
     */
    public InventorySource inventory() {
        return get(Capability.INVENTORY, InventorySource.class, "inventory");
    }

    /**
     * The action executor, made now if it is made on first use.
     *
     * @throws ConnectorException {@code NOT_SUPPORTED} when none was given; whatever its supplier throws
     */
    public ActionExecutor actions() {
        return get(Capability.ACTIONS, ActionExecutor.class, "actions");
    }

    private <T> T get(Capability capability, Class<T> type, String what) {
        Part<?> part = parts.get(capability);
        if (part == null) {
            throw ConnectorException.notSupported(connectorId, what);
        }
        return type.cast(part.get());
    }

    @Override
    public String toString() {
        return "ConnectorParts[" + connectorId + ", " + capabilities + "]";
    }

    /** A part, made on first use when it was given as a supplier. */
    private static final class Part<T> {
        private final Supplier<? extends T> supplier;
        private volatile T made;

        Part(Supplier<? extends T> supplier) {
            this.supplier = supplier;
        }

        T get() {
            T current = made;
            if (current == null) {
                synchronized (this) {
                    current = made;
                    if (current == null) {
                        current = Objects.requireNonNull(supplier.get(), "a connector part's supplier answered null");
                        made = current;
                    }
                }
            }
            return current;
        }

        static <T> Part<T> of(T part) {
            Part<T> given = new Part<>(null);
            given.made = part;
            return given;
        }
    }

    /** Collects the parts. Not thread-safe; build once. Each part may be given once. */
    public static final class Builder {
        private final String connectorId;
        private final Map<Capability, Part<?>> parts = new EnumMap<>(Capability.class);

        private Builder(String connectorId) {
            this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        }

        /** Declares {@link Capability#TELEMETRY_POLL}. */
        public Builder telemetry(TelemetrySource telemetry) {
            return add(Capability.TELEMETRY_POLL, Part.of(Objects.requireNonNull(telemetry, "telemetry")));
        }

        /** Declares {@link Capability#TELEMETRY_NORMALIZE}. */
        public Builder normalizer(EventNormalizer normalizer) {
            return add(Capability.TELEMETRY_NORMALIZE, Part.of(Objects.requireNonNull(normalizer, "normalizer")));
        }

        /** Declares {@link Capability#INVENTORY}. */
        public Builder inventory(InventorySource inventory) {
            return add(Capability.INVENTORY, Part.of(Objects.requireNonNull(inventory, "inventory")));
        }

        /** Declares {@link Capability#INVENTORY}, the source made on first use. */
        public Builder inventoryOnFirstUse(Supplier<? extends InventorySource> inventory) {
            return add(Capability.INVENTORY, new Part<>(Objects.requireNonNull(inventory, "inventory")));
        }

        /** Declares {@link Capability#ACTIONS}. */
        public Builder actions(ActionExecutor actions) {
            return add(Capability.ACTIONS, Part.of(Objects.requireNonNull(actions, "actions")));
        }

        /** Declares {@link Capability#ACTIONS}, the executor made on first use. */
        public Builder actionsOnFirstUse(Supplier<? extends ActionExecutor> actions) {
            return add(Capability.ACTIONS, new Part<>(Objects.requireNonNull(actions, "actions")));
        }

        private Builder add(Capability capability, Part<?> part) {
            if (parts.putIfAbsent(capability, part) != null) {
                throw new IllegalArgumentException(capability + " given twice");
            }
            return this;
        }

        /** The parts; later changes to this builder do not reach them. */
        public ConnectorParts build() {
            return new ConnectorParts(this);
        }
    }
}
