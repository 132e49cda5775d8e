package io.itdr.core.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.model.Criticality;
import io.itdr.core.model.Lifecycle;
import io.itdr.core.model.Maturity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityCatalogTest {

    private static final String FULL = """
            identities:
              - match: "arn:aws:iam::111122223333:role/payments-*"
                platform: aws
                owner: team-payments
                criticality: tier0
                lifecycle: active
                maturity: defined
                consumers: [payments-api, payments-batch]
                expected_sources:
                  cidrs: [10.20.0.0/16, "2001:db8::/32"]
                  asns: [16509]
                  user_agents: ["aws-sdk-java"]
                  regions: [us-east-1]
                secret_destination: "arn:aws:secretsmanager:us-east-1:111122223333:secret:payments-key"
            """;

    @Test
    void aCatalogOfEveryIdentityOfALargeEstateIsRead() {
        // 30,000 explicit entries (about 5M code points): beyond SnakeYAML's default limit of 3M
        StringBuilder yaml = new StringBuilder("identities:\n");
        for (int i = 0; i < 30_000; i++) {
            yaml.append("  - match: \"arn:aws:iam::123456789012:user/svc-").append(i).append("\"\n")
                    .append("    platform: aws\n    owner: team-").append(i % 97).append("\n    criticality: tier3\n")
                    .append("    consumers: [app-").append(i).append(", batch-").append(i).append("]\n")
                    .append("    expected_sources:\n      cidrs: [10.20.0.0/16]\n");
        }
        assertThat(yaml.codePointCount(0, yaml.length())).isGreaterThan(3 * 1024 * 1024);

        IdentityCatalog catalog = IdentityCatalog.parse(yaml.toString(), "large.yaml");

        assertThat(catalog.size()).isEqualTo(30_000);
        assertThat(catalog.match("aws", "arn:aws:iam::123456789012:user/svc-29999")).hasValueSatisfying(
                entry -> assertThat(entry.owner()).isEqualTo("team-" + (29_999 % 97)));
    }

    @Test
    void parsesEveryField() {
        IdentityCatalog catalog = IdentityCatalog.parse(FULL, "catalog.yaml");

        assertThat(catalog.size()).isEqualTo(1);
        CatalogEntry entry = catalog.match("aws", "arn:aws:iam::111122223333:role/payments-api").orElseThrow();
        assertThat(entry.platform()).isEqualTo("aws");
        assertThat(entry.owner()).isEqualTo("team-payments");
        assertThat(entry.criticality()).isEqualTo(Criticality.TIER0);
        assertThat(entry.lifecycle()).isEqualTo(Lifecycle.ACTIVE);
        assertThat(entry.maturity()).isEqualTo(Maturity.DEFINED);
        assertThat(entry.consumers()).containsExactly("payments-api", "payments-batch");
        assertThat(entry.expectedSources().cidrs()).containsExactly("10.20.0.0/16", "2001:db8::/32");
        assertThat(entry.expectedSources().asns()).containsExactly(16509L);
        assertThat(entry.expectedSources().userAgents()).containsExactly("aws-sdk-java");
        assertThat(entry.expectedSources().regions()).containsExactly("us-east-1");
        assertThat(entry.secretDestination()).isEqualTo("arn:aws:secretsmanager:us-east-1:111122223333:secret:payments-key");
        assertThat(entry.origin()).isEqualTo("catalog.yaml:2");
    }

    @Test
    void platformRestrictionIsHonoured() {
        IdentityCatalog catalog = IdentityCatalog.parse(FULL, "catalog.yaml");
        assertThat(catalog.match("gcp", "arn:aws:iam::111122223333:role/payments-api")).isEmpty();
        assertThat(catalog.match("aws", "arn:aws:iam::111122223333:role/billing")).isEmpty();
    }

    @Test
    void minimalEntryNeedsOnlyMatch() {
        IdentityCatalog catalog = IdentityCatalog.parse("identities:\n  - match: svc-a\n", "c.yaml");
        CatalogEntry entry = catalog.match("okta", "svc-a").orElseThrow();
        assertThat(entry.owner()).isNull();
        assertThat(entry.lifecycle()).isNull();
        assertThat(entry.consumers()).isEmpty();
        assertThat(entry.expectedSources().isStated()).isFalse();
    }

    @Test
    void emptyDocumentsAreEmptyCatalogs() {
        assertThat(IdentityCatalog.parse("", "c.yaml").size()).isZero();
        assertThat(IdentityCatalog.parse("# nothing yet\n", "c.yaml").size()).isZero();
        assertThat(IdentityCatalog.parse("identities:\n", "c.yaml").size()).isZero();
        assertThat(IdentityCatalog.parse("identities: []\n", "c.yaml").size()).isZero();
        assertThat(IdentityCatalog.empty().match("aws", "x")).isEmpty();
    }

    @Test
    void exactIdBeatsAnEarlierGlob() {
        IdentityCatalog catalog = IdentityCatalog.parse("""
                identities:
                  - match: "svc-*"
                    owner: glob
                  - match: svc-payments
                    owner: exact
                """, "c.yaml");
        assertThat(catalog.match("aws", "svc-payments").orElseThrow().owner()).isEqualTo("exact");
        assertThat(catalog.match("aws", "svc-billing").orElseThrow().owner()).isEqualTo("glob");
    }

    @Test
    void globWithMoreLiteralTextWinsWhateverItsPosition() {
        IdentityCatalog catalog = IdentityCatalog.parse("""
                identities:
                  - match: "*"
                    owner: catch-all
                  - match: "arn:aws:iam::1:role/*"
                    owner: account
                  - match: "arn:aws:iam::1:role/pay*-?"
                    owner: payments
                """, "c.yaml");
        assertThat(catalog.match("aws", "arn:aws:iam::1:role/payments-a").orElseThrow().owner()).isEqualTo("payments");
        assertThat(catalog.match("aws", "arn:aws:iam::1:role/payments-ab").orElseThrow().owner()).isEqualTo("account");
        assertThat(catalog.match("aws", "arn:aws:iam::2:role/x").orElseThrow().owner()).isEqualTo("catch-all");
    }

    @Test
    void equallySpecificGlobsGoToTheFirstInFile() {
        IdentityCatalog catalog = IdentityCatalog.parse("""
                identities:
                  - match: "svc-?-prod"
                    owner: first
                  - match: "svc-a-*"
                    owner: second
                """, "c.yaml");
        // both have six literal characters
        assertThat(catalog.match("aws", "svc-a-prod").orElseThrow().owner()).isEqualTo("first");
    }

    @Test
    void platformSpecificExactEntriesForTheSameIdStayApart() {
        IdentityCatalog catalog = IdentityCatalog.parse("""
                identities:
                  - match: shared-name
                    platform: okta
                    owner: okta-team
                  - match: shared-name
                    platform: gcp
                    owner: gcp-team
                """, "c.yaml");
        assertThat(catalog.match("gcp", "shared-name").orElseThrow().owner()).isEqualTo("gcp-team");
        assertThat(catalog.match("okta", "shared-name").orElseThrow().owner()).isEqualTo("okta-team");
        assertThat(catalog.match("aws", "shared-name")).isEmpty();
    }

    @Test
    void globsMatchWholeIdsWithBacktracking() {
        IdentityPattern pattern = new IdentityPattern("a*b*c?");
        assertThat(pattern.matches("abcX")).isTrue();
        assertThat(pattern.matches("aXXbYYbZcQ")).isTrue();
        assertThat(pattern.matches("abc")).isFalse();
        assertThat(pattern.matches("abcXY")).isFalse();
        assertThat(new IdentityPattern("*").matches("")).isTrue();
        assertThat(new IdentityPattern("a**").matches("a")).isTrue();
    }

    @Test
    void loadsAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, FULL);
        assertThat(IdentityCatalog.load(file).size()).isEqualTo(1);
    }

    @Test
    void unreadableFileIsACatalogExceptionNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> IdentityCatalog.load(missing))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(missing + ": (file): cannot read the catalog");
    }

    // ---- refusals: one per kind, each with its line ----

    @Test
    void unknownKeyIsRefusedWithItsLine() {
        assertProblems("""
                identities:
                  - match: svc-a
                    ownr: team-a
                """, "c.yaml:3: identities[0].ownr: unknown key; expected one of match, platform, owner, criticality, "
                + "lifecycle, maturity, consumers, expected_sources, secret_destination");
    }

    @Test
    void unknownRootKeyIsRefused() {
        assertProblems("identity:\n  - match: a\n", "c.yaml:1: identity: unknown key; expected identities");
    }

    @Test
    void unknownExpectedSourcesKeyIsRefused() {
        assertProblems("""
                identities:
                  - match: svc-a
                    expected_sources:
                      cidr: [10.0.0.0/8]
                """, "c.yaml:4: identities[0].expected_sources.cidr: unknown key; expected one of cidrs, asns, user_agents, regions");
    }

    @Test
    void badTierLifecycleAndMaturityAreRefused() {
        assertProblems("""
                identities:
                  - match: svc-a
                    criticality: gold
                    lifecycle: retired
                    maturity: expert
                """,
                "c.yaml:3: identities[0].criticality: unknown criticality 'gold'; expected tier0, tier1, tier2 or tier3",
                "c.yaml:4: identities[0].lifecycle: unknown lifecycle 'retired'; expected active, dormant, deprecated or decommissioned",
                "c.yaml:5: identities[0].maturity: unknown maturity 'expert'; expected initial, developing, defined or optimized");
    }

    @Test
    void badCidrsAreRefusedWithTheLineOfTheItem() {
        assertProblems("""
                identities:
                  - match: svc-a
                    expected_sources:
                      cidrs:
                        - 10.0.0.0/8
                        - 10.0.0.0/33
                        - "2001:db8::1/32"
                """,
                "c.yaml:6: identities[0].expected_sources.cidrs[1]: '10.0.0.0/33' is not a CIDR block: the prefix length must be a number 0..32",
                "c.yaml:7: identities[0].expected_sources.cidrs[2]: host bits set after the /32 prefix; the network is 2001:db8::/32");
    }

    @Test
    void emptyOrMissingMatchIsRefused() {
        assertProblems("""
                identities:
                  - match: ""
                  - match:
                  - owner: team-a
                """,
                "c.yaml:2: identities[0].match: must not be empty",
                "c.yaml:3: identities[1].match: must not be empty",
                "c.yaml:4: identities[2].match: required: an identity id or a glob with * and ?");
    }

    @Test
    void wrongTypesAreRefused() {
        assertProblems("""
                identities:
                  - match: 12345
                    owner: [a, b]
                    consumers: payments-api
                    expected_sources:
                      asns: ["16509", 99999999999, -1]
                      regions: us-east-1
                  - just-a-string
                """,
                "c.yaml:2: identities[0].match: expected a string, got a number (quote it if it is meant as text)",
                "c.yaml:3: identities[0].owner: expected a string, got a list",
                "c.yaml:4: identities[0].consumers: expected a list, got a string (write [value] for a single value)",
                "c.yaml:6: identities[0].expected_sources.asns[0]: expected an AS number 0..4294967295 (as a plain number, e.g. 16509), got '16509'",
                "c.yaml:6: identities[0].expected_sources.asns[1]: expected an AS number 0..4294967295 (as a plain number, e.g. 16509), got '99999999999'",
                "c.yaml:6: identities[0].expected_sources.asns[2]: expected an AS number 0..4294967295 (as a plain number, e.g. 16509), got '-1'",
                "c.yaml:7: identities[0].expected_sources.regions: expected a list, got a string (write [value] for a single value)",
                "c.yaml:8: identities[1]: expected a mapping with at least 'match', got a string");
    }

    @Test
    void rootAndIdentitiesOfTheWrongShapeAreRefused() {
        assertProblems("- match: a\n", "c.yaml:1: (root): expected a mapping with the key 'identities', got a list");
        assertProblems("identities:\n  match: a\n", "c.yaml:1: identities: expected a list of entries, got a mapping");
    }

    @Test
    void duplicateKeysAndDuplicateEntriesAreRefused() {
        assertProblems("""
                identities:
                  - match: svc-a
                    owner: team-a
                    owner: team-b
                  - match: svc-a
                """,
                "c.yaml:4: identities[0].owner: duplicate key; first at line 3",
                "c.yaml:5: identities[1].match: duplicate entry for 'svc-a'; first at line 2");
    }

    @Test
    void syntaxErrorsNameTheirLine() {
        CatalogException e = catch_("""
                identities:
                  - match: svc-a
                    owner: "unterminated
                """);
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).field()).isEqualTo("(syntax)");
        assertThat(e.problems().get(0).line()).isBetween(3, 4);
        assertThat(e.getMessage()).startsWith("c.yaml:").contains("not valid YAML");
    }

    @Test
    void everyProblemIsReportedAtOnceInLineOrder() {
        CatalogException e = catch_("""
                identities:
                  - match: svc-a
                    criticality: tier9
                  - match: svc-b
                    lifecycle: gone
                    extra: 1
                """);
        assertThat(e.problems()).extracting(CatalogException.Problem::line).containsExactly(3, 5, 6);
        assertThat(e.getMessage().split("\n")).hasSize(3);
    }

    private static void assertProblems(String yaml, String... expectedLines) {
        CatalogException e = catch_(yaml);
        assertThat(List.of(e.getMessage().split("\n"))).containsExactly(expectedLines);
    }

    private static CatalogException catch_(String yaml) {
        try {
            IdentityCatalog.parse(yaml, "c.yaml");
        } catch (CatalogException e) {
            return e;
        }
        throw new AssertionError("expected the catalog to be refused:\n" + yaml);
    }
}
