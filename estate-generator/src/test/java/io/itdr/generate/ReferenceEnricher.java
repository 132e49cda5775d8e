package io.itdr.generate;

import io.itdr.core.enrich.CatalogEntry;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.enrich.InventoryLookup;
import io.itdr.core.enrich.InventoryTagKeys;

import io.itdr.core.model.Criticality;
import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Lifecycle;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.InventoryIdentity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The enricher as it was before it built records from shared parts (itdr-core's {@code Enricher}
 * at main {@code edcfa35}), kept unchanged but for its name and package: the reference
 * {@code EnricherEquivalenceTest} compares the engine's enricher with, event by event.
 */
final class ReferenceEnricher {
    /** Records kept for reuse; a power of two. */
    static final int CACHE_SLOTS = 1 << 14;

    private final IdentityCatalog catalog;
    private final InventoryLookup inventory;
    private final InventoryTagKeys tagKeys;
    /** Racy by design: each slot holds an immutable {@link Cached} or null; a lost write only costs a rebuild. */
    private final Cached[] cache = new Cached[CACHE_SLOTS];
    /** Identity keys handed out; a power of two. */
    static final int KEY_SLOTS = 1 << 15;
    /**
     * The identity keys handed out, so that a record rebuilt after its slot was taken by another
     * identity carries the same key instance as before: the detection engine keeps the first one it
     * was given for as long as it tracks the identity, and a new copy in every rebuilt record would
     * be a second. Direct-mapped, racy like the cache (slots hold immutable strings); a lost slot only
     * costs sharing.
     */
    private final String[] keys = new String[KEY_SLOTS];
    /** Provenances handed out; a power of two. */
    static final int PROVENANCE_SLOTS = 1 << 10;
    /**
     * One instance of each provenance: identities of one catalog entry (a pattern) without
     * inventory facts have the same one ("catalog:team-a", "catalog:tier2", …), and each cached
     * record kept its own map and texts. Direct-mapped and racy like the cache (slots hold immutable
     * maps); a lost slot only costs sharing.
     */
    @SuppressWarnings("unchecked") // an array of a generic type
    private final Map<String, String>[] provenances = new Map[PROVENANCE_SLOTS];
    /** Texts of records handed out; a power of two. */
    static final int TEXT_SLOTS = 1 << 12;
    /**
     * One instance of each frequent text of the records: provenance values ("catalog:tier2",
     * "default:active") and identity kinds ("iam_role"), which every cached record otherwise kept a
     * copy of (built per record, or parsed per event). Direct-mapped and racy like the cache; a lost
     * slot only costs sharing.
     */
    private final String[] texts = new String[TEXT_SLOTS];

    /** A record and what it was built from. */
    private record Cached(String platform, String tenant, IdentityRef ref, InventoryIdentity inventory,
                          IdentityRecord record) {
    }

    /**
     * @param catalog   never null ({@link IdentityCatalog#empty()} when none)
     * @param inventory never null ({@link InventoryLookup#none()} when none)
     * @param tagKeys   never null
     */
    ReferenceEnricher(IdentityCatalog catalog, InventoryLookup inventory, InventoryTagKeys tagKeys) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.tagKeys = Objects.requireNonNull(tagKeys, "tagKeys");
    }

    /** The record of the identity that acted in {@code event}. */
    public IdentityRecord enrich(IdentityEvent event) {
        return enrich(event.platform(), event.tenant(), event.identity());
    }

    /**
     * The record of one identity.
     *
     * @param platform never null
     * @param tenant   may be null
     * @param ref      never null
     */
    public IdentityRecord enrich(String platform, String tenant, IdentityRef ref) {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(ref, "ref");
        int hash = (platform.hashCode() * 31 + Objects.hashCode(tenant)) * 31 + ref.id().hashCode();
        int slot = (hash ^ (hash >>> 16)) & (CACHE_SLOTS - 1);
        Cached cached = cache[slot];
        if (cached != null && cached.ref.equals(ref) && cached.platform.equals(platform)
                && Objects.equals(cached.tenant, tenant)) {
            InventoryIdentity inv = inventory.find(cached.record.key()).orElse(null);
            if (inv == cached.inventory) {
                return cached.record;
            }
            IdentityRecord record = build(cached.record.key(), platform, tenant, ref, inv);
            cache[slot] = new Cached(platform, tenant, ref, inv, record);
            return record;
        }
        String key = sharedKey(IdentityEvent.identityKey(platform, tenant, ref.id()));
        InventoryIdentity inv = inventory.find(key).orElse(null);
        ref = sharedKind(ref);
        IdentityRecord record = build(key, platform, tenant, ref, inv);
        cache[slot] = new Cached(platform, tenant, ref, inv, record);
        return record;
    }

    /** {@code ref} with its kind's shared instance (the cache keeps the reference for as long as the record). */
    private IdentityRef sharedKind(IdentityRef ref) {
        String kind = sharedText(ref.kind());
        return kind == ref.kind() ? ref : new IdentityRef(ref.id(), kind, ref.name());
    }

    private String sharedKey(String key) {
        int h = key.hashCode();
        int slot = (h ^ (h >>> 15)) & (KEY_SLOTS - 1);
        String held = keys[slot];
        if (held != null && held.equals(key)) {
            return held;
        }
        keys[slot] = key;
        return key;
    }

    private IdentityRecord build(String key, String platform, String tenant, IdentityRef ref, InventoryIdentity inv) {
        CatalogEntry entry = catalog.match(platform, ref.id()).orElse(null);
        Map<String, String> provenance = new LinkedHashMap<>();

        String catalogOwner = entry == null ? null : entry.owner();
        String inventoryOwner = inv == null ? null : inventoryOwner(inv);
        record(provenance, "owner", catalogOwner, inventoryOwner);

        Criticality catalogTier = entry == null ? null : entry.criticality();
        String tierTag = inv == null ? null : tag(inv.tags(), tagKeys.criticality());
        Criticality inventoryTier = parseTier(tierTag);
        String inventoryTierNote = tierTag == null ? null
                : inventoryTier != null ? inventoryTier.policyName()
                : "ignored '" + tierTag + "' (not tier0..tier3)";
        record(provenance, "criticality", catalogTier == null ? null : catalogTier.policyName(), inventoryTierNote);

        Lifecycle lifecycle = entry == null ? null : entry.lifecycle();
        provenance.put("lifecycle", lifecycle == null ? "default:active" : sharedText("catalog:" + lifecycle.policyName()));
        if (entry != null && entry.maturity() != null) {
            provenance.put("maturity", sharedText("catalog:" + entry.maturity().policyName()));
        }

        List<String> catalogConsumers = entry == null ? List.of() : entry.consumers();
        List<String> inventoryConsumers = inv == null ? List.of() : inv.consumers();
        record(provenance, "consumers", joined(catalogConsumers), joined(inventoryConsumers));

        return new IdentityRecord(key, platform, tenant, identityRef(ref, inv),
                catalogOwner != null ? catalogOwner : inventoryOwner,
                catalogTier != null ? catalogTier : inventoryTier,
                lifecycle == null ? Lifecycle.ACTIVE : lifecycle,
                entry == null ? null : entry.maturity(),
                catalogConsumers.isEmpty() ? inventoryConsumers : catalogConsumers,
                entry == null ? ExpectedSources.NONE : entry.expectedSources(),
                inv == null ? List.of() : inv.privilegeScopes(),
                inv != null && Boolean.TRUE.equals(inv.privileged()),
                inv == null ? List.of() : inv.credentials(),
                inv == null ? Map.of() : inv.tags(),
                entry == null ? null : entry.secretDestination(),
                entry == null ? null : entry.match(),
                sharedProvenance(Map.copyOf(provenance)));
    }

    private String sharedText(String text) {
        if (text == null || text.length() > 256) {
            return text;
        }
        int h = text.hashCode();
        int slot = (h ^ (h >>> 12)) & (TEXT_SLOTS - 1);
        String held = texts[slot];
        if (held != null && held.equals(text)) {
            return held;
        }
        texts[slot] = text;
        return text;
    }

    private Map<String, String> sharedProvenance(Map<String, String> provenance) {
        int h = provenance.hashCode();
        int slot = (h ^ (h >>> 10)) & (PROVENANCE_SLOTS - 1);
        Map<String, String> held = provenances[slot];
        if (held != null && held.equals(provenance)) {
            return held;
        }
        provenances[slot] = provenance;
        return provenance;
    }

    private String inventoryOwner(InventoryIdentity inv) {
        String tagged = tag(inv.tags(), tagKeys.owner());
        if (tagged != null) {
            return tagged;
        }
        return inv.owner() == null || inv.owner().isBlank() ? null : inv.owner();
    }

    /** The non-blank value under {@code key}, trying the exact key first and then any case of it. */
    private static String tag(Map<String, String> tags, String key) {
        String value = tags.get(key);
        if (value == null) {
            for (Map.Entry<String, String> e : tags.entrySet()) {
                if (e.getKey().equalsIgnoreCase(key)) {
                    value = e.getValue();
                    break;
                }
            }
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Criticality parseTier(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Criticality.fromName(text);
        } catch (IllegalArgumentException malformed) {
            return null; // a tag is free text on the platform: ignore it, provenance says so
        }
    }

    /** Inventory's kind and name fill what the event's reference leaves out. */
    private static IdentityRef identityRef(IdentityRef ref, InventoryIdentity inv) {
        if (inv == null || (ref.kind() != null && ref.name() != null)) {
            return ref;
        }
        IdentityRef known = inv.identity();
        return new IdentityRef(ref.id(), ref.kind() != null ? ref.kind() : known.kind(),
                ref.name() != null ? ref.name() : known.name());
    }

    private void record(Map<String, String> provenance, String field, String catalogValue, String inventoryValue) {
        if (catalogValue == null && inventoryValue == null) {
            return;
        }
        StringBuilder b = new StringBuilder();
        if (catalogValue != null) {
            b.append("catalog:").append(catalogValue);
        }
        if (inventoryValue != null) {
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append("inventory:").append(inventoryValue);
        }
        provenance.put(field, sharedText(b.toString()));
    }

    private static String joined(List<String> values) {
        return values.isEmpty() ? null : String.join(",", values);
    }
}
