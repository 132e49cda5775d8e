package io.itdr.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.enrich.Enricher;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.enrich.InMemoryInventory;
import io.itdr.core.enrich.InventoryTagKeys;
import io.itdr.core.model.IdentityRecord;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.InventoryIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's {@link Enricher}, which builds a record from parts shared across identities and
 * keeps no per-event copies, gives the same record as the enricher before it
 * ({@link ReferenceEnricher}) for every event of a generated estate: with the estate's catalog
 * (exact entries and patterns), with inventory for some identities (owner and tier tags, a tag that
 * is no tier, consumers, the owner field, kind and name filled in), an inventory refresh half-way,
 * and more identities than the enricher keeps records for, so records are evicted and rebuilt.
 */
class EnricherEquivalenceTest {
    /** Copies of each identity under other ids: 400 × 45 identities, more than the enricher's 16,384 cached records. */
    private static final int REPLICAS = 45;

    @TempDir
    Path dir;

    @Test
    void sameRecordAsBeforeForEveryEventOfAGeneratedEstate() throws IOException {
        EstateGenerator generator = new EstateGenerator(new GeneratorSettings(11, 400, 3, GeneratorSettings.DEFAULT_START));
        Path catalogFile = dir.resolve("catalog.yaml");
        generator.writeCatalog(catalogFile);
        IdentityCatalog catalog = IdentityCatalog.load(catalogFile);
        List<IdentityEvent> events = new ArrayList<>();
        generator.stream((event, family) -> events.add(event));

        InMemoryInventory inventory = new InMemoryInventory();
        List<EstateGenerator.GeneratedIdentity> identities = generator.identities();
        stock(inventory, identities, 0);
        InventoryTagKeys tagKeys = InventoryTagKeys.defaults();
        Enricher subject = new Enricher(catalog, inventory, tagKeys);
        ReferenceEnricher reference = new ReferenceEnricher(catalog, inventory, tagKeys);

        long compared = 0;
        long withInventory = 0;
        long withCatalog = 0;
        for (int i = 0; i < events.size(); i++) {
            if (i == events.size() / 2) {
                stock(inventory, identities, 1); // a refresh hands out new inventory records
            }
            IdentityEvent event = events.get(i);
            for (int r = 0; r < REPLICAS; r++) {
                IdentityRef ref = r == 0 ? event.identity()
                        : new IdentityRef(event.identity().id() + "~" + r, event.identity().kind(), event.identity().name());
                if ((i + r) % 7 == 0) {
                    ref = IdentityRef.of(ref.id()); // kind and name left to inventory
                }
                IdentityRecord expected = reference.enrich(event.platform(), event.tenant(), ref);
                IdentityRecord actual = subject.enrich(event.platform(), event.tenant(), ref);
                // compared cheaply first: assertions per call would make the test slow; on a difference they say what differs
                if (!actual.equals(expected)
                        || !List.copyOf(actual.provenance().entrySet()).equals(List.copyOf(expected.provenance().entrySet()))
                        || !actual.key().equals(IdentityEvent.identityKey(event.platform(), event.tenant(), ref.id()))) {
                    assertThat(actual).as("event %d (%s), replica %d", i, event.id(), r).isEqualTo(expected);
                    assertThat(List.copyOf(actual.provenance().entrySet())).as("provenance order, event %d", i)
                            .isEqualTo(List.copyOf(expected.provenance().entrySet()));
                    assertThat(actual.key()).isEqualTo(IdentityEvent.identityKey(event.platform(), event.tenant(), ref.id()));
                }
                compared++;
                withInventory += actual.provenance().values().stream().anyMatch(v -> v.contains("inventory:")) ? 1 : 0;
                withCatalog += actual.catalogEntry() != null ? 1 : 0;
            }
        }
        System.out.printf("enricher equivalence: %,d records compared, %,d with inventory, %,d with a catalog entry%n",
                compared, withInventory, withCatalog);
        assertThat(compared).isGreaterThan(100_000);
        assertThat(withInventory).isGreaterThan(compared / 10);
        assertThat(withCatalog).isGreaterThan(compared / 10);
    }

    /** Inventory for every third identity and each of its even replicas, different in each {@code round}. */
    private static void stock(InMemoryInventory inventory, List<EstateGenerator.GeneratedIdentity> identities, int round) {
        for (int n = 0; n < identities.size(); n += 3) {
            EstateGenerator.GeneratedIdentity g = identities.get(n);
            for (int r = 0; r < REPLICAS; r += 2) {
                String id = r == 0 ? g.ref().id() : g.ref().id() + "~" + r;
                String tier = switch ((n / 3 + round) % 4) {
                    case 0 -> "tier1";
                    case 1 -> "TIER3";
                    case 2 -> "gold"; // not a tier: ignored, and provenance says so
                    default -> null;
                };
                Map<String, String> tags = new java.util.LinkedHashMap<>();
                if ((n + round) % 2 == 0) {
                    tags.put(n % 4 == 0 ? "Owner" : "owner", "team-inventory-" + (n % 5));
                }
                if (tier != null) {
                    tags.put("criticality", tier);
                }
                List<String> consumers = (n + round) % 3 == 0 ? List.of("app-" + n % 4, "batch-" + n % 2) : List.of();
                inventory.put(new InventoryIdentity(g.platform(), g.tenant(),
                        new IdentityRef(id, g.ref().kind() == null ? "service_account" : g.ref().kind(), "name-" + n),
                        true, null, round == 0 ? "owner-field-" + n % 3 : null, tags, List.of(), consumers,
                        List.of("scope-" + n % 2), n % 2 == 0, List.of()));
            }
        }
    }
}
