package io.itdr.core.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.Criticality;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Lifecycle;
import io.itdr.core.model.Maturity;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnricherTest {
    private static final String ROLE = "arn:aws:iam::111122223333:role/payments-api";
    private static final IdentityCatalog CATALOG = IdentityCatalog.parse("""
            identities:
              - match: "arn:aws:iam::111122223333:role/payments-*"
                platform: aws
                owner: team-payments
                criticality: tier0
                lifecycle: dormant
                maturity: developing
                consumers: [payments-api, payments-batch]
                expected_sources:
                  cidrs: [10.20.0.0/16]
                secret_destination: "arn:aws:secretsmanager:us-east-1:111122223333:secret:payments-key"
              - match: "arn:aws:iam::111122223333:role/bare-*"
            """, "catalog.yaml");

    private final InMemoryInventory inventory = new InMemoryInventory();

    @Test
    void catalogWinsOverInventoryAndProvenanceKeepsBoth() {
        inventory.put(inventory(ROLE, Map.of("owner", "team-platform", "criticality", "tier2"), List.of("legacy-app")));

        IdentityRecord record = enricher().enrich("aws", "111122223333", IdentityRef.of(ROLE));

        assertThat(record.key()).isEqualTo(IdentityEvent.identityKey("aws", "111122223333", ROLE));
        assertThat(record.owner()).isEqualTo("team-payments");
        assertThat(record.criticality()).isEqualTo(Criticality.TIER0);
        assertThat(record.lifecycle()).isEqualTo(Lifecycle.DORMANT);
        assertThat(record.maturity()).isEqualTo(Maturity.DEVELOPING);
        assertThat(record.consumers()).containsExactly("payments-api", "payments-batch");
        assertThat(record.expectedSources().cidrs()).containsExactly("10.20.0.0/16");
        assertThat(record.secretDestination()).startsWith("arn:aws:secretsmanager:");
        assertThat(record.catalogEntry()).isEqualTo("arn:aws:iam::111122223333:role/payments-*");
        assertThat(record.provenance())
                .containsEntry("owner", "catalog:team-payments; inventory:team-platform")
                .containsEntry("criticality", "catalog:tier0; inventory:tier2")
                .containsEntry("lifecycle", "catalog:dormant")
                .containsEntry("consumers", "catalog:payments-api,payments-batch; inventory:legacy-app")
                .containsEntry("maturity", "catalog:developing");
    }

    @Test
    void inventoryFillsWhatTheCatalogDoesNotSay() {
        String bare = "arn:aws:iam::111122223333:role/bare-1";
        inventory.put(inventory(bare, Map.of("owner", "team-platform", "criticality", "TIER1"), List.of("app-x")));

        IdentityRecord record = enricher().enrich("aws", "111122223333", IdentityRef.of(bare));

        assertThat(record.owner()).isEqualTo("team-platform");
        assertThat(record.criticality()).isEqualTo(Criticality.TIER1);
        assertThat(record.lifecycle()).isEqualTo(Lifecycle.ACTIVE);
        assertThat(record.consumers()).containsExactly("app-x");
        assertThat(record.privilegeScopes()).containsExactly("arn:aws:iam::aws:policy/ReadOnlyAccess");
        assertThat(record.privileged()).isTrue();
        assertThat(record.credentials()).extracting(Credential::id).containsExactly("AKIAEXAMPLE");
        assertThat(record.tags()).containsEntry("owner", "team-platform");
        assertThat(record.identity().kind()).isEqualTo("iam_role");
        assertThat(record.provenance())
                .containsEntry("owner", "inventory:team-platform")
                .containsEntry("criticality", "inventory:tier1")
                .containsEntry("lifecycle", "default:active")
                .containsEntry("consumers", "inventory:app-x");
    }

    @Test
    void malformedCriticalityTagIsIgnoredAndNoted() {
        String bare = "arn:aws:iam::111122223333:role/bare-2";
        inventory.put(inventory(bare, Map.of("criticality", "gold"), List.of()));

        IdentityRecord record = enricher().enrich("aws", "111122223333", IdentityRef.of(bare));

        assertThat(record.criticality()).isNull();
        assertThat(record.provenance()).containsEntry("criticality", "inventory:ignored 'gold' (not tier0..tier3)");
    }

    @Test
    void tagKeysAreConfigurableAndMatchInAnyCase() {
        String bare = "arn:aws:iam::111122223333:role/bare-3";
        inventory.put(inventory(bare, Map.of("Team", "team-blue", "Tier", "tier3", "owner", "ignored"), List.of()));

        IdentityRecord record = new Enricher(CATALOG, inventory, new InventoryTagKeys("team", "tier"))
                .enrich("aws", "111122223333", IdentityRef.of(bare));

        assertThat(record.owner()).isEqualTo("team-blue");
        assertThat(record.criticality()).isEqualTo(Criticality.TIER3);
    }

    @Test
    void inventoryOwnerFieldIsUsedWhenNoOwnerTag() {
        String bare = "arn:aws:iam::111122223333:role/bare-4";
        inventory.put(new InventoryIdentity("aws", "111122223333", IdentityRef.of(bare), true, null, "ops@example.com",
                Map.of(), List.of(), List.of(), List.of(), null, List.of()));

        IdentityRecord record = enricher().enrich("aws", "111122223333", IdentityRef.of(bare));

        assertThat(record.owner()).isEqualTo("ops@example.com");
        assertThat(record.privileged()).isFalse();
    }

    @Test
    void inventoryIsKeyedByPlatformTenantAndId() {
        inventory.put(inventory(ROLE, Map.of("owner", "team-platform"), List.of()));

        IdentityRecord otherTenant = enricher().enrich("aws", "999999999999", IdentityRef.of(ROLE));

        assertThat(otherTenant.provenance()).containsEntry("owner", "catalog:team-payments");
        assertThat(inventory.size()).isEqualTo(1);
    }

    @Test
    void identityNobodyDescribesIsUnknown() {
        IdentityRecord record = new Enricher(IdentityCatalog.empty(), InventoryLookup.none(), InventoryTagKeys.defaults())
                .enrich("okta", null, IdentityRef.of("0oa1"));

        assertThat(record.key()).isEqualTo("okta/-/0oa1");
        assertThat(record.ownerKnown()).isFalse();
        assertThat(record.criticality()).isNull();
        assertThat(record.lifecycle()).isEqualTo(Lifecycle.ACTIVE);
        assertThat(record.consumers()).isEmpty();
        assertThat(record.catalogEntry()).isNull();
        assertThat(record.provenance()).containsOnlyKeys("lifecycle");
    }

    @Test
    void enrichesTheActorOfAnEvent() {
        IdentityEvent event = IdentityEvent.builder("e1", Instant.parse("2025-01-01T00:00:00Z"), "aws", IdentityRef.of(ROLE))
                .tenant("111122223333").build();

        assertThat(enricher().enrich(event).owner()).isEqualTo("team-payments");
    }

    private Enricher enricher() {
        return new Enricher(CATALOG, inventory, InventoryTagKeys.defaults());
    }

    private static InventoryIdentity inventory(String id, Map<String, String> tags, List<String> consumers) {
        Credential key = new Credential("AKIAEXAMPLE", "access_key", Instant.parse("2024-01-01T00:00:00Z"), null, null,
                CredentialStatus.ACTIVE);
        return new InventoryIdentity("aws", "111122223333", new IdentityRef(id, "iam_role", null), true, null, null, tags,
                List.of(key), consumers, List.of("arn:aws:iam::aws:policy/ReadOnlyAccess"), true, List.of());
    }
}
