package io.itdr.core.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The log sources of the GCP, Azure and GitHub connectors: each rule reads only the record kind its
 * {@code logsource} names, in the shapes those connectors hand on as raw records, and SigmaHQ's
 * field names resolve through the documented aliases.
 */
class SigmaLogSourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static SigmaRule rule(String product, String service, String detection) {
        String text = "title: log source test\nlevel: medium\nlogsource:\n  product: " + product + "\n  service: " + service
                + "\ndetection:\n" + detection.indent(4);
        Object r = new SigmaRuleLoader().parse("test.yml", text);
        assertThat(r).as("loads: %s", r).isInstanceOf(SigmaRule.class);
        return (SigmaRule) r;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Shapes as the Azure connector reads them (diagnostic settings: category + properties; Graph: the object itself). */
    private static final String DIAG_SIGN_IN = "{'category':'SignInLogs','resultType':'0','properties':{'createdDateTime':'2024-01-01T00:00:00Z',"
            + "'userId':'u1','appId':'a1','riskState':'atRisk'}}";
    private static final String GRAPH_SIGN_IN = "{'id':'s1','createdDateTime':'2024-01-01T00:00:00Z','servicePrincipalId':'sp1','appId':'a1',"
            + "'status':{'errorCode':0}}";
    private static final String DIAG_AUDIT = "{'category':'Policy','time':'2024-01-01T00:00:00Z','operationName':'Add member to role',"
            + "'properties':{'activityDisplayName':'Add member to role','initiatedBy':{'user':{'id':'u1'}}}}";
    private static final String GRAPH_AUDIT = "{'id':'d1','activityDisplayName':'Add member to role','initiatedBy':{'app':{'appId':'a1'}}}";
    private static final String DIAG_RISK = "{'category':'ServicePrincipalRiskEvents','time':'2024-01-01T00:00:00Z',"
            + "'properties':{'riskEventType':'investigationsThreatIntelligence'}}";
    private static final String GRAPH_RISK = "{'id':'r1','riskEventType':'investigationsThreatIntelligence','servicePrincipalId':'sp1'}";
    private static final String ACTIVITY = "{'category':'Administrative','time':'2024-01-01T00:00:00Z',"
            + "'operationName':'MICROSOFT.KEYVAULT/VAULTS/SECRETS/WRITE','resultType':'Success'}";
    private static final String ACTIVITY_REST = "{'eventDataId':'e1','eventTimestamp':'2024-01-01T00:00:00Z',"
            + "'operationName':{'value':'Microsoft.KeyVault/vaults/secrets/write'}}";
    private static final String STORAGE = "{'category':'StorageRead','time':'2024-01-01T00:00:00Z',"
            + "'operationName':'Microsoft.Storage/storageAccounts/read','properties':{}}";

    @Test
    void eachAzureServiceReadsOnlyItsRecordKind() {
        SigmaRule signIn = rule("azure", "signinlogs", "sel:\n  id|exists: true\nsel2:\n  category|exists: true\ncondition: sel or sel2");
        SigmaRule audit = rule("azure", "auditlogs", "sel:\n  ActivityDisplayName: Add member to role\ncondition: sel");
        SigmaRule risk = rule("azure", "riskdetection", "sel:\n  riskEventType: investigationsThreatIntelligence\ncondition: sel");
        SigmaRule activity = rule("azure", "activitylogs", "sel:\n  operationName|contains: KEYVAULT\nsel2:\n  operationName.value|contains: KeyVault\n"
                + "condition: sel or sel2");

        for (String s : new String[] {DIAG_SIGN_IN, GRAPH_SIGN_IN}) {
            assertThat(signIn.matchesRecord("azure", json(s))).as(s).isTrue();
        }
        for (String s : new String[] {DIAG_AUDIT, GRAPH_AUDIT, DIAG_RISK, GRAPH_RISK, ACTIVITY, ACTIVITY_REST, STORAGE}) {
            assertThat(signIn.matchesRecord("azure", json(s))).as("a sign-in rule on %s", s).isFalse();
        }
        assertThat(audit.matchesRecord("azure", json(DIAG_AUDIT))).isTrue();
        assertThat(audit.matchesRecord("azure", json(GRAPH_AUDIT))).isTrue();
        assertThat(risk.matchesRecord("azure", json(DIAG_RISK))).isTrue();
        assertThat(risk.matchesRecord("azure", json(GRAPH_RISK))).isTrue();
        assertThat(activity.matchesRecord("azure", json(ACTIVITY))).isTrue();
        assertThat(activity.matchesRecord("azure", json(ACTIVITY_REST))).isTrue();
        for (String s : new String[] {DIAG_SIGN_IN, GRAPH_SIGN_IN, DIAG_AUDIT, GRAPH_AUDIT, DIAG_RISK, GRAPH_RISK, STORAGE}) {
            assertThat(activity.matchesRecord("azure", json(s.replace("Add member", "KEYVAULT")))).as("an activity rule on %s", s).isFalse();
        }
        // the audit record's category 'Policy' is also an Activity log category: the Graph object inside decides
        assertThat(activity.matchesRecord("azure", json(DIAG_AUDIT.replace("Add member to role", "MICROSOFT.KEYVAULT/x")))).isFalse();
        // another platform's record never
        assertThat(audit.matchesRecord("github", json(GRAPH_AUDIT))).isFalse();
    }

    @Test
    void azureFieldsAbsentAtTheTopAreReadInPropertiesAsLogAnalyticsColumnsAre() {
        SigmaRule r = rule("azure", "signinlogs", "sel:\n  ResultType: 0\n  RiskState: atRisk\ncondition: sel");
        assertThat(r.matchesRecord("azure", json(DIAG_SIGN_IN))).isTrue();
        assertThat(r.matchesRecord("azure", json(DIAG_SIGN_IN.replace("atRisk", "none")))).isFalse();
        // the Graph shape has no resultType: a documented gap (SigmaHQ names the Log Analytics columns)
        assertThat(r.matchesRecord("azure", json(GRAPH_SIGN_IN))).isFalse();
        // a field present at the top is not looked for again inside properties
        SigmaRule top = rule("azure", "signinlogs", "sel:\n  category: SignInLogs\ncondition: sel");
        assertThat(top.matchesRecord("azure", json(DIAG_SIGN_IN))).isTrue();

        SigmaRule message = rule("azure", "auditlogs", "sel:\n  properties.message: Add member to role\ncondition: sel");
        assertThat(message.matchesRecord("azure", json(DIAG_AUDIT))).isTrue();
        assertThat(message.matchesRecord("azure", json(DIAG_AUDIT.replace("'activityDisplayName':'Add member to role'",
                "'activityDisplayName':'Remove member from role'")))).isFalse();
        SigmaRule missing = rule("azure", "auditlogs", "sel:\n  TargetResources|exists: false\ncondition: sel");
        assertThat(missing.matchesRecord("azure", json(DIAG_AUDIT))).isTrue();
    }

    @Test
    void gcpAuditReadsLogEntriesWithTheSigmaHqFieldNames() {
        String entry = "{'logName':'projects/p/logs/cloudaudit.googleapis.com%2Factivity','protoPayload':{"
                + "'methodName':'dns.managedZones.delete','serviceName':'dns.googleapis.com'}}";
        SigmaRule ecs = rule("gcp", "gcp.audit", "sel:\n  gcp.audit.method_name: Dns.ManagedZones.Delete\ncondition: sel");
        SigmaRule pubsub = rule("gcp", "gcp.audit", "sel:\n  data.protoPayload.serviceName: dns.googleapis.com\ncondition: sel");
        assertThat(ecs.matchesRecord("gcp", json(entry))).isTrue();
        assertThat(pubsub.matchesRecord("gcp", json(entry))).isTrue();
        assertThat(ecs.matchesRecord("gcp", json(entry.replace("delete", "get")))).isFalse();
        assertThat(ecs.matchesRecord("gcp", json("{'gcp':{'audit':{'method_name':'dns.managedZones.delete'}}}")))
                .as("not a LogEntry").isFalse();
    }

    @Test
    void githubAuditReadsEventsWithAnAction() {
        SigmaRule r = rule("github", "audit", "sel:\n  action: org.disable_two_factor_requirement\ncondition: sel");
        assertThat(r.matchesRecord("github", json("{'action':'org.disable_two_factor_requirement','actor':'a'}"))).isTrue();
        assertThat(r.matchesRecord("github", json("{'action':'org.enable_two_factor_requirement','actor':'a'}"))).isFalse();
    }

    @Test
    void activeNowForTheConnectorsOfThisDistributionAndPimAndWorkspaceStillInactive() {
        assertThat(rule("gcp", "gcp.audit", "sel:\n  a: b\ncondition: sel").active()).isTrue();
        assertThat(rule("github", "audit", "sel:\n  a: b\ncondition: sel").active()).isTrue();
        for (String s : new String[] {"signinlogs", "auditlogs", "riskdetection", "activitylogs"}) {
            assertThat(rule("azure", s, "sel:\n  a: b\ncondition: sel").active()).as(s).isTrue();
        }
        SigmaRule pim = rule("azure", "pim", "sel:\n  riskEventType: staleSignInAlertIncident\ncondition: sel");
        assertThat(pim.active()).isFalse();
        assertThat(pim.matchesRecord("azure", json(GRAPH_RISK.replace("investigationsThreatIntelligence", "staleSignInAlertIncident"))))
                .isFalse();
        assertThat(rule("gcp", "google_workspace.admin", "sel:\n  a: b\ncondition: sel").active()).isFalse();
    }
}
