package io.itdr.core.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SigmaHQ rules of each newly mapped log source on real labelled records of the corpus
 * ({@code ../shared/corpus}, with the snapshot {@code ../shared/sigma/rules}; skipped when absent): one
 * record each rule fires on and a near miss of the same kind it does not. The record is the corpus
 * {@code log}, the text the connector hands on as raw record (the Azure and GitHub record as read,
 * the GCP LogEntry); {@code bin/itdr replay --rules} runs the same through each connector's normalizer.
 */
class SigmaCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode log(Path corpus, String file, String id) throws IOException {
        for (String line : Files.readAllLines(corpus.resolve(file + ".jsonl"))) {
            JsonNode r = JSON.readTree(line);
            if (r.path("id").asText().equals(id)) {
                return r.get("log");
            }
        }
        throw new AssertionError("no record " + id + " in " + file);
    }

    private static void check(String ruleFile, String platform, String file, String fires, String nearMiss) throws IOException {
        Path shared = SigmaSnapshotTest.shared();
        assumeTrue(shared != null && Files.isDirectory(shared.resolve("corpus")) && Files.isDirectory(shared.resolve("sigma/rules")),
                "assumes the corpus and SigmaHQ snapshot at <repo>/../shared (or -Ditdr.shared=DIR); not found, so not checked");
        SigmaRules loaded = new SigmaRuleLoader().load(List.of(shared.resolve("sigma/rules/" + ruleFile)));
        assertThat(loaded.rules()).hasSize(1);
        SigmaRule rule = loaded.rules().get(0);
        assertThat(rule.active()).isTrue();
        assertThat(rule.matchesRecord(platform, log(shared.resolve("corpus"), file, fires))).as("%s on %s", ruleFile, fires).isTrue();
        assertThat(rule.matchesRecord(platform, log(shared.resolve("corpus"), file, nearMiss))).as("%s on %s", ruleFile, nearMiss).isFalse();
    }

    @Test
    void gcpDnsZoneModifiedFiresOnAPatchNotOnAGet() throws IOException {
        // dns.managedZones.patch (malicious) vs dns.managedZones.get (benign), through gcp.audit.method_name
        check("cloud/gcp/audit/gcp_dns_zone_modified_or_deleted.yml", "gcp", "gcp_audit", "73cedba02c99979d", "97690a82b1e82dae");
    }

    @Test
    void githubHighRiskConfigurationDisabledFiresOnOrgMfaDisabledNotOnRepoDisable() throws IOException {
        check("application/github/audit/github_disable_high_risk_configuration.yml", "github", "github_audit",
                "3049529235dbb8a7", "47c807d1edd3f228");
    }

    @Test
    void azureKeyVaultSecretsModifiedFiresOnASecretRecoveryNotOnAVaultWrite() throws IOException {
        check("cloud/azure/activity_logs/azure_keyvault_secrets_modified_or_deleted.yml", "azure", "azure_activity",
                "0853f51681cb79ff", "44c7178a7dcb549f");
    }

    @Test
    void azureServicePrincipalCreatedFiresOnItsAuditRecordNotOnARoleAssignmentRequest() throws IOException {
        // the corpus labels this record benign (a Panther test that credentials were not added): the rule reports the creation
        check("cloud/azure/audit_logs/azure_service_principal_created.yml", "azure", "entra_audit", "cab917c492d4ee8a", "c3fd54cbadd94d3b");
    }

    @Test
    void aSignInRuleInSigmaHqFieldNamesReadsTheDiagnosticSettingsSignIn() throws IOException {
        Path shared = SigmaSnapshotTest.shared();
        assumeTrue(shared != null && Files.isDirectory(shared.resolve("corpus")), "assumes the corpus at <repo>/../shared/corpus");
        // no SigmaHQ sign-in rule fires on the corpus; this one uses their column names (ResultType, RiskState)
        SigmaRule rule = SigmaLogSourceTest.rule("azure", "signinlogs",
                "sel:\n  ResultType: 0\n  RiskState: confirmedCompromised\ncondition: sel");
        assertThat(rule.matchesRecord("azure", log(shared.resolve("corpus"), "entra_signin", "069f25a2846d3444"))).isTrue();
        assertThat(rule.matchesRecord("azure", log(shared.resolve("corpus"), "entra_signin", "59598d533360a516"))).isFalse();
        assertThat(rule.matchesRecord("azure", log(shared.resolve("corpus"), "entra_audit", "cab917c492d4ee8a"))).isFalse();
    }
}
