package io.itdr.core.rules.sigma;

import java.util.List;

/**
 * What loading rule files gave.
 *
 * @param rules        the rules that loaded, in file order; never null
 * @param correlations the correlation rules that loaded, each after those it refers to; never null
 * @param refused      the rules (or files) that did not, with why; never null
 * @param files        rule files read
 */
public record SigmaRules(List<SigmaRule> rules, List<SigmaCorrelation> correlations, List<RuleRefusal> refused, int files) {
    public SigmaRules {
        rules = List.copyOf(rules);
        correlations = List.copyOf(correlations);
        refused = List.copyOf(refused);
    }

    /** Rules without correlations. */
    public SigmaRules(List<SigmaRule> rules, List<RuleRefusal> refused, int files) {
        this(rules, List.of(), refused, files);
    }

    /** Rules whose log source a connector of this distribution reads. */
    public long active() {
        return rules.stream().filter(SigmaRule::active).count();
    }
}
