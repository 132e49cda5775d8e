package io.itdr.core.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A construct this engine does not implement refuses that rule with file, line and reason. */
class SigmaRefusalTest {

    private static RuleRefusal refused(String text) {
        Object r = new SigmaRuleLoader().parse("rules/bad.yml", text);
        assertThat(r).as("refused: %s", r).isInstanceOf(RuleRefusal.class);
        RuleRefusal refusal = (RuleRefusal) r;
        assertThat(refusal.file()).isEqualTo("rules/bad.yml");
        return refusal;
    }

    private static final String HEAD = "title: bad\nid: r-1\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n";

    @Test
    void anUnknownModifierNamesItsLine() {
        RuleRefusal r = refused(HEAD + "    sel:\n        eventName|expand: '%x%'\n    condition: sel\n");
        assertThat(r.line()).isEqualTo(8);
        assertThat(r.rule()).isEqualTo("r-1");
        assertThat(r.reason()).contains("field modifier 'expand' is not supported");
        assertThat(refused(HEAD + "    sel:\n        eventName|sounds_like: x\n    condition: sel\n").reason())
                .contains("'sounds_like' is not supported");
    }

    @Test
    void aggregationsNearAndUnknownSearchesInConditions() {
        RuleRefusal agg = refused(HEAD + "    sel:\n        eventName: x\n    condition: sel | count() by userIdentity.arn > 5\n");
        assertThat(agg.line()).isEqualTo(9);
        assertThat(agg.reason()).contains("aggregation").contains("correlation rules are not supported");
        assertThat(refused(HEAD + "    sel:\n        eventName: x\n    condition: sel and selection\n").reason())
                .contains("no search named 'selection'");
        assertThat(refused(HEAD + "    sel:\n        eventName: x\n    condition: 1 of filter*\n").reason())
                .contains("'filter*' names no search");
        assertThat(refused(HEAD + "    sel:\n        eventName: x\n    condition: (sel\n").reason()).contains("not closed");
        assertThat(refused(HEAD + "    sel:\n        eventName: x\n    condition: sel near sel\n").reason()).contains("unexpected 'near'");
        assertThat(refused(HEAD + "    sel:\n        eventName: x\n    condition: 2 of sel\n").reason()).contains("'2 of'");
        assertThat(refused(HEAD + "    sel:\n        eventName: x\n    condition: sel*\n").reason()).contains("needs '1 of'");
        assertThat(refused(HEAD + "    sel:\n        eventName: x\n    timeframe: 5m\n    condition: sel\n").reason()).contains("timeframe");
    }

    @Test
    void correlationsOfUnknownTypesCollectionsAndFiltersAreRefusedWithTheReason() {
        RuleRefusal correlation = refused("title: many\nid: c-1\ncorrelation:\n  type: value_avg\n  rules: [r-1]\n  group-by: [x]\n"
                + "  timespan: 5m\n  condition:\n    field: n\n    gte: 10\n");
        assertThat(correlation.line()).isEqualTo(4);
        assertThat(correlation.reason()).contains("correlation type 'value_avg' is not supported");
        RuleRefusal multi = refused(HEAD + "    sel:\n        eventName: x\n    condition: sel\n---\ntitle: second\n");
        assertThat(multi.reason()).contains("several YAML documents");
        assertThat(refused("title: f\nfilter:\n  rules: [r-1]\n").reason()).contains("filters");
    }

    @Test
    void logSourcesWithoutAMappingAreRefused() {
        assertThat(refused("title: w\nlogsource:\n  category: process_creation\n  product: windows\ndetection:\n    s:\n        a: b\n    condition: s\n")
                .reason()).contains("category 'process_creation' is not supported");
        assertThat(refused("title: w\nlogsource:\n  product: windows\ndetection:\n    s:\n        a: b\n    condition: s\n").reason())
                .contains("product 'windows' is not supported");
        assertThat(refused("title: w\ndetection:\n    s:\n        a: b\n    condition: s\n").reason()).contains("no logsource");
    }

    @Test
    void badValuesAndShapes() {
        assertThat(refused(HEAD + "    s:\n        ip|cidr: not-a-block\n    condition: s\n").reason()).contains("not a CIDR block");
        assertThat(refused(HEAD + "    s:\n        a|re: '(unclosed'\n    condition: s\n").reason()).contains("not a regular expression");
        assertThat(refused(HEAD + "    s:\n        a|gt: many\n    condition: s\n").reason()).contains("takes a number");
        assertThat(refused(HEAD + "    s:\n        a|exists: maybe\n    condition: s\n").reason()).contains("takes true or false");
        assertThat(refused(HEAD + "    s:\n        a|i: x\n    condition: s\n").reason()).contains("need the 're' modifier");
        assertThat(refused(HEAD + "    s:\n        a|wide: x\n    condition: s\n").reason()).contains("before base64");
        assertThat(refused(HEAD + "    s:\n        a:\n            b: c\n    condition: s\n").reason()).contains("must be a string, number");
        assertThat(refused(HEAD + "    s:\n        a: b\n").reason()).contains("no condition");
        assertThat(refused(HEAD + "    s: {}\n    condition: s\n").reason()).contains("empty map");
        assertThat(refused(HEAD.replace("id: r-1\n", "") + "    s:\n        a: b\n    condition: s\nlevel: severe\n").reason()).contains("unknown level");
        RuleRefusal yaml = refused("title: [unclosed\n");
        assertThat(yaml.reason()).startsWith("not YAML");
        assertThat(yaml.line()).isPositive();
    }
}
