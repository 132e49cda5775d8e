package io.itdr.core.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every field modifier and condition form, on small CloudTrail-shaped records. */
class SigmaMatchingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A rule for aws/cloudtrail with this detection (indented by four spaces under detection:). */
    static SigmaRule rule(String detection) {
        String text = "title: test rule\nid: 11111111-2222-3333-4444-555555555555\nlevel: high\n"
                + "tags:\n  - attack.defense-evasion\n  - attack.t1562.008\n  - cve.2021-1234\n"
                + "logsource:\n  product: aws\n  service: cloudtrail\ndetection:\n" + detection.indent(4);
        Object r = new SigmaRuleLoader().parse("test.yml", text);
        assertThat(r).as("loads: %s", r).isInstanceOf(SigmaRule.class);
        return (SigmaRule) r;
    }

    static RuleRefusal refusal(String detection) {
        Object r = new SigmaRuleLoader().parse("bad.yml", "title: bad\nlogsource:\n  product: aws\ndetection:\n" + detection.indent(4));
        assertThat(r).as("refused: %s", r).isInstanceOf(RuleRefusal.class);
        return (RuleRefusal) r;
    }

    static boolean matches(SigmaRule rule, String json) {
        try {
            JsonNode node = JSON.readTree(json.replace('\'', '"'));
            if (!node.has("type")) { // a CloudTrail record (a GuardDuty finding has a type and no eventVersion)
                ((com.fasterxml.jackson.databind.node.ObjectNode) node).put("eventVersion", "1.08");
            }
            return rule.matchesRecord("aws", node);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void plainValuesAreCaseInsensitiveEqualityAndListsAreAlternatives() {
        SigmaRule r = rule("sel:\n  eventName:\n    - StopLogging\n    - DeleteTrail\ncondition: sel");
        assertThat(matches(r, "{'eventName':'stoplogging'}")).isTrue();
        assertThat(matches(r, "{'eventName':'DeleteTrail'}")).isTrue();
        assertThat(matches(r, "{'eventName':'StopLoggingNow'}")).isFalse();
        assertThat(matches(r, "{'eventSource':'x'}")).isFalse();
    }

    @Test
    void mapsAreAllOfTheirFieldsAndListsOfMapsAnyOfThem() {
        SigmaRule r = rule("sel:\n  - eventSource: iam.amazonaws.com\n    eventName: CreateUser\n  - eventName: CreateAccessKey\ncondition: sel");
        assertThat(matches(r, "{'eventSource':'iam.amazonaws.com','eventName':'CreateUser'}")).isTrue();
        assertThat(matches(r, "{'eventSource':'sts.amazonaws.com','eventName':'CreateUser'}")).isFalse();
        assertThat(matches(r, "{'eventSource':'sts.amazonaws.com','eventName':'CreateAccessKey'}")).isTrue();
    }

    @Test
    void wildcardsStarAndQuestionMarkAndTheirEscapes() {
        SigmaRule r = rule("sel:\n  eventName: 'Put*Polic?'\ncondition: sel");
        assertThat(matches(r, "{'eventName':'PutUserPolicy'}")).isTrue();
        assertThat(matches(r, "{'eventName':'PutUserPolicies'}")).isFalse();
        SigmaRule literal = rule("sel:\n  eventName: 'a\\*b\\?'\ncondition: sel");
        assertThat(matches(literal, "{'eventName':'a*b?'}")).isTrue();
        assertThat(matches(literal, "{'eventName':'axxb?'}")).isFalse();
    }

    @Test
    void containsStartswithEndswithAndAll() {
        assertThat(matches(rule("s:\n  userAgent|contains: terraform\ncondition: s"), "{'userAgent':'APN/1.0 HashiCorp/1.0 Terraform/1.5'}")).isTrue();
        assertThat(matches(rule("s:\n  eventName|startswith: Delete\ncondition: s"), "{'eventName':'DeleteFlowLogs'}")).isTrue();
        assertThat(matches(rule("s:\n  eventName|startswith: Delete\ncondition: s"), "{'eventName':'UndeleteX'}")).isFalse();
        assertThat(matches(rule("s:\n  eventName|endswith: Logs\ncondition: s"), "{'eventName':'DeleteFlowLogs'}")).isTrue();
        SigmaRule all = rule("s:\n  requestParameters.policyDocument|contains|all:\n    - 'Effect=Allow'\n    - 'Action=\\*'\ncondition: s");
        assertThat(matches(all, "{'requestParameters':{'policyDocument':'Statement: Effect=Allow Action=* Resource=*'}}")).isTrue();
        assertThat(matches(all, "{'requestParameters':{'policyDocument':'Statement: Effect=Allow Action=s3:Get'}}")).isFalse();
    }

    @Test
    void casedMakesValuesCaseSensitive() {
        SigmaRule r = rule("s:\n  eventName|cased: StopLogging\ncondition: s");
        assertThat(matches(r, "{'eventName':'StopLogging'}")).isTrue();
        assertThat(matches(r, "{'eventName':'stoplogging'}")).isFalse();
    }

    @Test
    void regularExpressionsAreUnanchoredCaseSensitiveUnlessI() {
        SigmaRule r = rule("s:\n  userIdentity.arn|re: ':assumed-role/aws:.+'\ncondition: s");
        assertThat(matches(r, "{'userIdentity':{'arn':'arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1'}}")).isTrue();
        assertThat(matches(r, "{'userIdentity':{'arn':'arn:aws:sts::1:ASSUMED-ROLE/aws:ec2-instance/i-1'}}")).isFalse();
        SigmaRule i = rule("s:\n  userIdentity.arn|re|i: ':assumed-role/aws:.+'\ncondition: s");
        assertThat(matches(i, "{'userIdentity':{'arn':'arn:aws:sts::1:ASSUMED-ROLE/aws:ec2-instance/i-1'}}")).isTrue();
    }

    @Test
    void cidrMatchesAddressesInTheBlock() {
        SigmaRule r = rule("s:\n  sourceIPAddress|cidr:\n    - 10.0.0.0/8\n    - '2001:db8::/32'\ncondition: s");
        assertThat(matches(r, "{'sourceIPAddress':'10.1.2.3'}")).isTrue();
        assertThat(matches(r, "{'sourceIPAddress':'2001:db8::1'}")).isTrue();
        assertThat(matches(r, "{'sourceIPAddress':'198.51.100.1'}")).isFalse();
        assertThat(matches(r, "{'sourceIPAddress':'ec2.amazonaws.com'}")).isFalse();
    }

    @Test
    void existsAndNull() {
        SigmaRule exists = rule("s:\n  errorCode|exists: true\ncondition: s");
        assertThat(matches(exists, "{'errorCode':'AccessDenied'}")).isTrue();
        assertThat(matches(exists, "{'eventName':'x'}")).isFalse();
        SigmaRule absent = rule("s:\n  errorCode|exists: false\ncondition: s");
        assertThat(matches(absent, "{'eventName':'x'}")).isTrue();
        SigmaRule isNull = rule("s:\n  errorCode: null\ncondition: s");
        assertThat(matches(isNull, "{'eventName':'x'}")).isTrue();
        assertThat(matches(isNull, "{'errorCode':null}")).isTrue();
        assertThat(matches(isNull, "{'errorCode':'AccessDenied'}")).isFalse();
    }

    @Test
    void fieldrefComparesTwoFieldsOfTheRecord() {
        SigmaRule r = rule("s:\n  userIdentity.userName|fieldref: requestParameters.userName\ncondition: s");
        assertThat(matches(r, "{'userIdentity':{'userName':'Bob'},'requestParameters':{'userName':'bob'}}")).isTrue();
        assertThat(matches(r, "{'userIdentity':{'userName':'Bob'},'requestParameters':{'userName':'alice'}}")).isFalse();
        SigmaRule ends = rule("s:\n  userIdentity.arn|fieldref|endswith: requestParameters.userName\ncondition: s");
        assertThat(matches(ends, "{'userIdentity':{'arn':'arn:aws:iam::1:user/bob'},'requestParameters':{'userName':'bob'}}")).isTrue();
    }

    @Test
    void numericComparisons() {
        SigmaRule r = rule("s:\n  responseElements.count|gte: 5\n  requestParameters.maxResults|lt: 100\ncondition: s");
        assertThat(matches(r, "{'responseElements':{'count':5},'requestParameters':{'maxResults':'99'}}")).isTrue();
        assertThat(matches(r, "{'responseElements':{'count':4},'requestParameters':{'maxResults':99}}")).isFalse();
        assertThat(matches(rule("s:\n  n|gt: 1\ncondition: s"), "{'n':2}")).isTrue();
        assertThat(matches(rule("s:\n  n|lte: 1\ncondition: s"), "{'n':2}")).isFalse();
    }

    @Test
    void base64AndBase64offsetFindEncodedText() {
        String secret = "aws sts get-caller-identity";
        String encoded = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        assertThat(matches(rule("s:\n  requestParameters.userData|base64: '" + secret + "'\ncondition: s"),
                "{'requestParameters':{'userData':'" + encoded + "'}}")).isTrue();
        for (String prefix : new String[] {"", "x", "xy", "xyz"}) {
            String inside = Base64.getEncoder().encodeToString((prefix + secret + "!").getBytes(StandardCharsets.UTF_8));
            assertThat(matches(rule("s:\n  requestParameters.userData|base64offset|contains: '" + secret + "'\ncondition: s"),
                    "{'requestParameters':{'userData':'" + inside + "'}}")).as("offset %d", prefix.length()).isTrue();
        }
        String wide = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_16LE));
        assertThat(matches(rule("s:\n  c|wide|base64: '" + secret + "'\ncondition: s"), "{'c':'" + wide + "'}")).isTrue();
    }

    @Test
    void windashMatchesEveryFlagDash() {
        SigmaRule r = rule("s:\n  commandLine|windash|contains: ' -enc '\ncondition: s");
        assertThat(matches(r, "{'commandLine':'powershell /enc AAA'}")).isTrue();
        assertThat(matches(r, "{'commandLine':'powershell \u2013enc AAA'}")).isTrue();
        assertThat(matches(r, "{'commandLine':'powershell enc AAA'}")).isFalse();
    }

    @Test
    void keywordsSearchEveryTextValue() {
        SigmaRule r = rule("keywords:\n  - 'kali'\n  - 'parrot'\ncondition: keywords");
        assertThat(matches(r, "{'userAgent':'Boto3/1.2 Linux/5.10-kali3-amd64'}")).isTrue();
        assertThat(matches(r, "{'requestParameters':{'tags':['a','Parrot OS']}}")).isTrue();
        assertThat(matches(r, "{'userAgent':'aws-cli/2'}")).isFalse();
    }

    @Test
    void nestedPathsArraysAndFieldNamesInAnotherCase() {
        SigmaRule r = rule("s:\n  requestParameters.ipPermissions.items.ipRanges.items.cidrIp: 0.0.0.0/0\ncondition: s");
        assertThat(matches(r, "{'requestParameters':{'ipPermissions':{'items':[{'ipRanges':{'items':[{'cidrIp':'10.0.0.0/8'}]}},"
                + "{'ipRanges':{'items':[{'cidrIp':'0.0.0.0/0'}]}}]}}}")).isTrue();
        SigmaRule lower = rule("s:\n  eventname: ConsoleLogin\ncondition: s");
        assertThat(matches(lower, "{'eventName':'ConsoleLogin'}")).isTrue();
        SigmaRule dotted = rule("s:\n  detail.type: x\ncondition: s");
        assertThat(matches(dotted, "{'eventName':'e','detail.type':'x'}")).isTrue();
    }

    @Test
    void conditionsAndOrNotParenthesesOneOfAllOfThem() {
        String searches = "sel_a:\n  eventName: A\nsel_b:\n  eventSource: b\nfilter_x:\n  errorCode: X\n_hidden:\n  eventName: Z\n";
        assertThat(matches(rule(searches + "condition: sel_a and not filter_x"), "{'eventName':'A'}")).isTrue();
        assertThat(matches(rule(searches + "condition: sel_a and not filter_x"), "{'eventName':'A','errorCode':'X'}")).isFalse();
        assertThat(matches(rule(searches + "condition: sel_a or sel_b"), "{'eventSource':'b'}")).isTrue();
        assertThat(matches(rule(searches + "condition: not (sel_a or sel_b)"), "{'eventSource':'b'}")).isFalse();
        assertThat(matches(rule(searches + "condition: not (sel_a or sel_b)"), "{'eventSource':'c'}")).isTrue();
        assertThat(matches(rule(searches + "condition: 1 of sel_*"), "{'eventName':'A'}")).isTrue();
        assertThat(matches(rule(searches + "condition: all of sel_*"), "{'eventName':'A'}")).isFalse();
        assertThat(matches(rule(searches + "condition: all of sel_*"), "{'eventName':'A','eventSource':'b'}")).isTrue();
        assertThat(matches(rule(searches + "condition: 1 of sel_? or 1 of filte?_x"), "{'errorCode':'X','eventName':'q'}")).isTrue();
        assertThat(matches(rule(searches + "condition: 1 of them"), "{'eventName':'Z'}")).as("_hidden is not in them").isFalse();
        assertThat(matches(rule(searches + "condition: all of them"), "{'eventName':'A','eventSource':'b','errorCode':'X'}")).isTrue();
        // not binds tighter than and, and tighter than or
        assertThat(matches(rule(searches + "condition: sel_a or sel_b and filter_x"), "{'eventName':'A'}")).isTrue();
        assertThat(matches(rule(searches + "condition:\n  - sel_a\n  - sel_b"), "{'eventSource':'b'}")).isTrue();
    }

    @Test
    void levelTagsAndIdBecomeTheRulesFindingFacts() {
        SigmaRule r = rule("s:\n  eventName: x\ncondition: s");
        assertThat(r.confidence()).isEqualTo(0.8);
        assertThat(r.frameworkTags()).containsExactly("TA0005", "T1562.008");
        assertThat(r.otherTags()).containsExactly("cve.2021-1234");
        assertThat(r.id()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(r.platform()).isEqualTo("aws");
        assertThat(SigmaRuleLoader.confidence("informational")).isEqualTo(0.2);
        assertThat(SigmaRuleLoader.confidence("low")).isEqualTo(0.4);
        assertThat(SigmaRuleLoader.confidence("medium")).isEqualTo(0.6);
        assertThat(SigmaRuleLoader.confidence("critical")).isEqualTo(0.95);
    }

    @Test
    void aCloudTrailRuleDoesNotReadAGuardDutyFindingOfTheSameConnector() {
        SigmaRule r = rule("keywords:\n  - Recon\ncondition: keywords");
        assertThat(matches(r, "{'type':'Recon:IAMUser/MaliciousIPCaller','severity':5}")).isFalse();
        assertThat(matches(r, "{'eventName':'Recon'}")).isTrue();
        assertThat(r.matchesRecord("okta", JSON.createObjectNode().put("eventName", "Recon"))).isFalse();
    }
}
