package io.itdr.core.enrich;

import io.itdr.core.model.Criticality;
import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Lifecycle;
import io.itdr.core.model.Maturity;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.InventoryIdentity;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Joins an identity's {@link IdentityRecord}: the connector's inventory with the operator's
 * {@link IdentityCatalog} laid over it. Thread-safe when the inventory lookup is (the catalog is
 * immutable).
 *
 * <p>Where both speak, <b>the catalog wins</b>: owner, criticality and consumers come from the
 * catalog when it states them, else from inventory. Lifecycle, maturity, expected sources and the
 * secret destination come from the catalog only (lifecycle ACTIVE when unstated); credentials,
 * privilege scopes, the privileged flag and tags from inventory only.
 *
 * <p>Inventory owner: the tag named by {@link InventoryTagKeys#owner()} (exact key, else the same
 * key in another case), else {@link InventoryIdentity#owner()}. Inventory criticality: the tag
 * named by {@link InventoryTagKeys#criticality()}; a value that is not tier0..tier3 is ignored,
 * never fatal, and noted in provenance.
 *
 * <p>{@link IdentityRecord#provenance()} keeps both sources' values for owner, criticality,
 * lifecycle, consumers (and maturity when stated), catalog first:
 * {@code owner -> "catalog:team-a; inventory:team-b"},
 * {@code criticality -> "catalog:tier0; inventory:ignored 'gold' (not tier0..tier3)"},
 * {@code consumers -> "catalog:api,batch; inventory:api"}, {@code lifecycle -> "default:active"}.
 * A field neither source states has no entry, except lifecycle.
 *
 * <p>An identity's record is built once and reused while its inputs stay the same: a fixed-size,
 * direct-mapped cache ({@value #CACHE_SLOTS} slots, by identity) keeps the latest records, each
 * with the event's identity reference and the inventory record it was built from; a hit needs
 * the same reference and the very same inventory record (the catalog is immutable), so an
 * inventory refresh, which hands out new records, rebuilds it at the identity's next event.
 * Memory is fixed, not per identity.
 *
 * <p>A record built again (the identity's first event, or its slot taken by another identity since)
 * is made of parts shared across identities, found without building them: the catalog entry by
 * index, the identity key handed out before (compared part by part with the event's platform,
 * tenant and id), the kind, the provenance texts of what the catalog states alone (by the value)
 * and the provenance map (compared pair by pair). A rebuild allocates the record, its cache slot
 * and little else; what inventory adds is built as before.
 */
public final class Enricher {
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

    /** Provenance texts of values the catalog states alone, by the value; as many slots as {@link #TEXT_SLOTS}. */
    private final CatalogText[] catalogTexts = new CatalogText[TEXT_SLOTS];

    private record CatalogText(Object value, String text) {
    }

    /** Kinds of identity seen, one instance each: few ("iam_role", "service_app"), so found by comparison, not by hash. */
    private final String[] kinds = new String[KIND_SLOTS];
    static final int KIND_SLOTS = 32;

    /** A record and what it was built from. */
    private record Cached(String platform, String tenant, IdentityRef ref, InventoryIdentity inventory,
                          IdentityRecord record) {
    }

    /**
     * @param catalog   never null ({@link IdentityCatalog#empty()} when none)
     * @param inventory never null ({@link InventoryLookup#none()} when none)
     * @param tagKeys   never null
     */
    public Enricher(IdentityCatalog catalog, InventoryLookup inventory, InventoryTagKeys tagKeys) {
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
        String key = sharedKey(platform, tenant, ref.id(), hash);
        InventoryIdentity inv = inventory.find(key).orElse(null);
        ref = sharedKind(ref);
        IdentityRecord record = build(key, platform, tenant, ref, inv);
        cache[slot] = new Cached(platform, tenant, ref, inv, record);
        return record;
    }

    /** {@code ref} with its kind's shared instance (the cache keeps the reference for as long as the record). */
    private IdentityRef sharedKind(IdentityRef ref) {
        String kind = sharedKind(ref.kind());
        return kind == ref.kind() ? ref : new IdentityRef(ref.id(), kind, ref.name());
    }

    private String sharedKind(String kind) {
        if (kind == null) {
            return null;
        }
        for (int i = 0; i < KIND_SLOTS; i++) {
            String held = kinds[i];
            if (held == null) {
                kinds[i] = kind; // racy: a lost write only costs sharing
                return kind;
            }
            if (held.equals(kind)) {
                return held;
            }
        }
        return sharedText(kind); // more kinds than slots: shared by hash
    }

    /**
     * The identity key of these parts, the instance handed out before when its slot still holds
     * it: compared part by part, so a record rebuilt for an identity seen before builds no key text.
     */
    private String sharedKey(String platform, String tenant, String id, int hash) {
        int slot = (hash ^ (hash >>> 15)) & (KEY_SLOTS - 1);
        String held = keys[slot];
        if (held != null && isKey(held, platform, tenant, id)) {
            return held;
        }
        String key = IdentityEvent.identityKey(platform, tenant, id);
        keys[slot] = key;
        return key;
    }

    /** Whether {@code key} is {@link IdentityEvent#identityKey(String, String, String)} of the parts. */
    private static boolean isKey(String key, String platform, String tenant, String id) {
        String t = tenant == null ? "-" : tenant;
        return key.length() == platform.length() + t.length() + id.length() + 2
                && key.startsWith(platform) && key.charAt(platform.length()) == '/'
                && key.startsWith(t, platform.length() + 1) && key.charAt(platform.length() + 1 + t.length()) == '/'
                && key.endsWith(id);
    }

    private IdentityRecord build(String key, String platform, String tenant, IdentityRef ref, InventoryIdentity inv) {
        int index = catalog.matchIndex(platform, ref.id());
        CatalogEntry entry = index < 0 ? null : catalog.entries().get(index);
        // provenance in the order owner, criticality, lifecycle, maturity, consumers: keys and values, up to five pairs
        String[] provenance = new String[10];
        int n = 0;

        String catalogOwner = entry == null ? null : entry.owner();
        String inventoryOwner = inv == null ? null : inventoryOwner(inv);
        if (inventoryOwner == null) {
            if (catalogOwner != null) {
                provenance[n++] = "owner";
                provenance[n++] = catalogText(catalogOwner);
            }
        } else {
            n = record(provenance, n, "owner", catalogOwner, inventoryOwner);
        }

        Criticality catalogTier = entry == null ? null : entry.criticality();
        String tierTag = inv == null ? null : tag(inv.tags(), tagKeys.criticality());
        Criticality inventoryTier = parseTier(tierTag);
        if (tierTag == null) {
            if (catalogTier != null) {
                provenance[n++] = "criticality";
                provenance[n++] = CATALOG_TIERS[catalogTier.ordinal()];
            }
        } else {
            String inventoryTierNote = inventoryTier != null ? inventoryTier.policyName()
                    : "ignored '" + tierTag + "' (not tier0..tier3)";
            n = record(provenance, n, "criticality", catalogTier == null ? null : catalogTier.policyName(), inventoryTierNote);
        }

        Lifecycle lifecycle = entry == null ? null : entry.lifecycle();
        provenance[n++] = "lifecycle";
        provenance[n++] = lifecycle == null ? "default:active" : CATALOG_LIFECYCLES[lifecycle.ordinal()];
        if (entry != null && entry.maturity() != null) {
            provenance[n++] = "maturity";
            provenance[n++] = CATALOG_MATURITIES[entry.maturity().ordinal()];
        }

        List<String> catalogConsumers = entry == null ? List.of() : entry.consumers();
        List<String> inventoryConsumers = inv == null ? List.of() : inv.consumers();
        if (inventoryConsumers.isEmpty()) {
            if (!catalogConsumers.isEmpty()) {
                provenance[n++] = "consumers";
                provenance[n++] = catalogText(catalogConsumers);
            }
        } else {
            n = record(provenance, n, "consumers", joined(catalogConsumers), joined(inventoryConsumers));
        }

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
                sharedProvenance(provenance, n));
    }

    private static final String[] CATALOG_TIERS = catalogTexts(Criticality.values(), Criticality::policyName);
    private static final String[] CATALOG_LIFECYCLES = catalogTexts(Lifecycle.values(), Lifecycle::policyName);
    private static final String[] CATALOG_MATURITIES = catalogTexts(Maturity.values(), Maturity::policyName);

    private static <E> String[] catalogTexts(E[] values, java.util.function.Function<E, String> name) {
        String[] texts = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            texts[i] = "catalog:" + name.apply(values[i]);
        }
        return texts;
    }

    /** An immutable map of {@code n / 2} pairs, inserted in their order (as {@code Map.copyOf} of a {@code LinkedHashMap} does). */
    private static Map<String, String> mapOf(String[] kv, int n) {
        return switch (n) {
            case 2 -> Map.of(kv[0], kv[1]);
            case 4 -> Map.of(kv[0], kv[1], kv[2], kv[3]);
            case 6 -> Map.of(kv[0], kv[1], kv[2], kv[3], kv[4], kv[5]);
            case 8 -> Map.of(kv[0], kv[1], kv[2], kv[3], kv[4], kv[5], kv[6], kv[7]);
            case 10 -> Map.of(kv[0], kv[1], kv[2], kv[3], kv[4], kv[5], kv[6], kv[7], kv[8], kv[9]);
            default -> throw new IllegalStateException("provenance of " + n + " texts"); // lifecycle is always there
        };
    }

    /**
     * "catalog:" and a value the catalog states alone (an owner, or consumers joined by commas),
     * one instance per value while its slot holds it: found by the value the catalog entry keeps
     * (an owner's hash is computed once; consumers by the list instance), without building the text.
     */
    private String catalogText(Object value) {
        // a list of consumers by the instance its entry keeps (hashing or comparing a list walks it); an owner by its text
        boolean list = value instanceof List<?>;
        int h = list ? System.identityHashCode(value) : value.hashCode();
        int slot = (h ^ (h >>> 12)) & (TEXT_SLOTS - 1);
        CatalogText held = catalogTexts[slot];
        if (held != null && (held.value == value || !list && held.value.equals(value))) {
            return held.text;
        }
        @SuppressWarnings("unchecked") // consumers are the only list
        String text = sharedText("catalog:" + (value instanceof List<?> consumers ? String.join(",", (List<String>) consumers) : value));
        catalogTexts[slot] = new CatalogText(value, text);
        return text;
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

    /**
     * The provenance of {@code n / 2} pairs: the instance handed out before when its slot holds an
     * equal one (found by the hash a map of them has, compared pair by pair), else a new map.
     */
    private Map<String, String> sharedProvenance(String[] kv, int n) {
        int h = 0;
        for (int i = 0; i < n; i += 2) {
            h += kv[i].hashCode() ^ kv[i + 1].hashCode(); // Map.hashCode: the sum of its entries' hashes
        }
        int slot = (h ^ (h >>> 10)) & (PROVENANCE_SLOTS - 1);
        Map<String, String> held = provenances[slot];
        if (held != null && held.size() == n / 2 && holds(held, kv, n)) {
            return held;
        }
        Map<String, String> provenance = mapOf(kv, n);
        provenances[slot] = provenance;
        return provenance;
    }

    private static boolean holds(Map<String, String> map, String[] kv, int n) {
        for (int i = 0; i < n; i += 2) {
            if (!kv[i + 1].equals(map.get(kv[i]))) {
                return false;
            }
        }
        return true;
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

    /** Adds {@code field} and its two sources' values to {@code provenance} at {@code n} when either states one; the new {@code n}. */
    private int record(String[] provenance, int n, String field, String catalogValue, String inventoryValue) {
        if (catalogValue == null && inventoryValue == null) {
            return n;
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
        provenance[n] = field;
        provenance[n + 1] = sharedText(b.toString());
        return n + 2;
    }

    private static String joined(List<String> values) {
        return values.isEmpty() ? null : String.join(",", values);
    }
}
