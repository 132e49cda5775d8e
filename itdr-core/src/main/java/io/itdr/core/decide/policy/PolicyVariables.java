package io.itdr.core.decide.policy;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelOptions;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.IdentityEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The variables a policy's CEL expressions see, declared for the type checker and filled for
 * evaluation from one place, so declaration and value can never drift apart.
 *
 * <p>Each variable is declared as a CEL struct type with typed fields (so {@code
 * finding.confidence > "x"} and {@code finding.confidnce} are load-time errors) and passed at
 * runtime as a map, which CEL's field selection reads. Unknown values are never null: strings
 * are {@code ""} (criticality and maturity: {@code "unknown"}), numbers {@code -1} (tier: 4).
 * The full list is documented in the default policy's header.
 *
 * <p>Thread-safe: compilers and the runtime are immutable and built once.
 */
public final class PolicyVariables {
    public static final String FINDING = "finding";
    public static final String IDENTITY = "identity";
    public static final String EVENT = "event";
    public static final String ACTION = "action";

    /** Tier given to an identity whose criticality nobody stated: below every real tier. */
    public static final long UNKNOWN_TIER = 4;

    private static final CelType STRING = SimpleType.STRING;
    private static final CelType STRINGS = ListType.create(SimpleType.STRING);
    private static final CelType STRING_MAP = MapType.create(SimpleType.STRING, SimpleType.STRING);

    static final StructType FINDING_TYPE = struct("itdr.policy.Finding", fields(
            "detector", STRING, "confidence", SimpleType.DOUBLE, "tags", STRINGS, "attributes", STRING_MAP));
    static final StructType IDENTITY_TYPE = struct("itdr.policy.Identity", fields(
            "id", STRING, "platform", STRING, "kind", STRING, "owner", STRING, "owner_known", SimpleType.BOOL,
            "tier", SimpleType.INT, "criticality", STRING, "lifecycle", STRING, "maturity", STRING,
            "consumers", STRINGS, "shared", SimpleType.BOOL, "privileged", SimpleType.BOOL,
            "catalogued", SimpleType.BOOL, "scopes", STRINGS, "tags", STRING_MAP));
    static final StructType EVENT_TYPE = struct("itdr.policy.Event", fields(
            "present", SimpleType.BOOL, "platform", STRING, "category", STRING, "action", STRING, "outcome", STRING,
            "source_ip", STRING, "asn", SimpleType.INT, "country", STRING, "user_agent", STRING,
            "token_age_seconds", SimpleType.INT, "has_workload", SimpleType.BOOL, "proxy", SimpleType.BOOL));
    static final StructType ACTION_TYPE = struct("itdr.policy.Action", fields(
            "rung", STRING, "reversibility", STRING));

    // Bounds keep every expression cheap whatever an operator writes: CEL has no loops beyond
    // comprehensions over given lists, and regexes run on RE2 (linear time).
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(10_000)
            .maxExpressionCodePointSize(10_000)
            .build();

    private static final CelTypeProvider TYPES = new CelTypeProvider() {
        private final ImmutableList<CelType> all = ImmutableList.of(FINDING_TYPE, IDENTITY_TYPE, EVENT_TYPE, ACTION_TYPE);

        @Override
        public ImmutableCollection<CelType> types() {
            return all;
        }

        @Override
        public Optional<CelType> findType(String name) {
            return all.stream().filter(t -> t.name().equals(name)).findFirst();
        }
    };

    static final CelCompiler RULE_COMPILER = compiler(false);
    static final CelCompiler GUARDRAIL_COMPILER = compiler(true);
    static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private PolicyVariables() {
    }

    /**
     * The variables for one decision, built once and reused by every rule and guardrail of it.
     * Not thread-safe: one per decision.
     */
    public static final class Activation {
        private final Map<String, Object> variables = new HashMap<>(8);

        private Activation() {
        }

        /** Adds {@code action} (what guardrails see): the rung the rule intends and how reversible it is. */
        public Activation withAction(Rung rung, Optional<Reversibility> reversibility) {
            variables.put(ACTION, action(rung, reversibility));
            return this;
        }

        /** The variables by name, as {@link Condition#evaluate} takes them. */
        public Map<String, Object> variables() {
            return variables;
        }
    }

    /**
     * The activation for rules: {@code finding}, {@code identity} and {@code event}.
     *
     * @param confidence the finding's confidence after escalation
     * @param trigger    the last evidence event; may be null (then {@code event.present} is false)
     */
    public static Activation activation(Finding finding, double confidence, IdentityRecord identity, IdentityEvent trigger) {
        Activation a = new Activation();
        a.variables.put(FINDING, finding(finding, confidence));
        a.variables.put(IDENTITY, identity(identity));
        a.variables.put(EVENT, event(trigger));
        return a;
    }

    static Map<String, Object> finding(Finding f, double confidence) {
        Map<String, Object> m = new HashMap<>(8);
        m.put("detector", f.detector());
        m.put("confidence", confidence);
        m.put("tags", f.frameworkTags());
        m.put("attributes", f.attributes());
        return m;
    }

    static Map<String, Object> identity(IdentityRecord r) {
        Map<String, Object> m = new HashMap<>(32);
        m.put("id", r.identity().id());
        m.put("platform", r.platform());
        m.put("kind", orEmpty(r.identity().kind()));
        m.put("owner", r.ownerKnown() ? r.owner() : "");
        m.put("owner_known", r.ownerKnown());
        m.put("tier", r.criticality() == null ? UNKNOWN_TIER : (long) r.criticality().level());
        m.put("criticality", r.criticality() == null ? "unknown" : r.criticality().policyName());
        m.put("lifecycle", r.lifecycle().policyName());
        m.put("maturity", r.maturity() == null ? "unknown" : r.maturity().policyName());
        m.put("consumers", r.consumers());
        m.put("shared", r.shared());
        m.put("privileged", r.privileged());
        m.put("catalogued", r.catalogEntry() != null);
        m.put("scopes", r.privilegeScopes());
        m.put("tags", r.tags());
        return m;
    }

    static Map<String, Object> event(IdentityEvent e) {
        Map<String, Object> m = new HashMap<>(24);
        m.put("present", e != null);
        m.put("platform", e == null ? "" : e.platform());
        m.put("category", e == null ? "" : e.category().name().toLowerCase(Locale.ROOT));
        m.put("action", e == null ? "" : e.action());
        m.put("outcome", e == null ? "" : e.outcome().name().toLowerCase(Locale.ROOT));
        m.put("source_ip", e == null ? "" : orEmpty(e.source().ip()));
        m.put("asn", e == null || e.source().asn() == null ? -1L : e.source().asn());
        m.put("country", e == null || e.source().geo() == null ? "" : orEmpty(e.source().geo().country()));
        m.put("user_agent", e == null ? "" : orEmpty(e.source().userAgent()));
        Duration age = e == null ? null : e.tokenAge();
        m.put("token_age_seconds", age == null ? -1L : age.toSeconds());
        m.put("has_workload", e != null && e.workload() != null);
        m.put("proxy", e != null && Boolean.TRUE.equals(e.source().proxy()));
        return m;
    }

    static Map<String, Object> action(Rung rung, Optional<Reversibility> reversibility) {
        Map<String, Object> m = new HashMap<>(4);
        m.put("rung", rung.policyName());
        m.put("reversibility", reversibility.map(r -> r.name().toLowerCase(Locale.ROOT)).orElse("none"));
        return m;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static CelCompiler compiler(boolean withAction) {
        var builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setTypeProvider(TYPES)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar(FINDING, FINDING_TYPE)
                .addVar(IDENTITY, IDENTITY_TYPE)
                .addVar(EVENT, EVENT_TYPE);
        if (withAction) {
            builder.addVar(ACTION, ACTION_TYPE);
        }
        return builder.build();
    }

    private static Map<String, CelType> fields(Object... nameTypePairs) {
        Map<String, CelType> m = new LinkedHashMap<>();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            m.put((String) nameTypePairs[i], (CelType) nameTypePairs[i + 1]);
        }
        return m;
    }

    private static StructType struct(String name, Map<String, CelType> fields) {
        Map<String, CelType> copy = Map.copyOf(fields);
        return StructType.create(name, ImmutableSet.copyOf(fields.keySet()), field -> Optional.ofNullable(copy.get(field)));
    }

    /** Declared field names of each variable, for documentation checks and tests. */
    static Map<String, List<String>> declaredFields() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put(FINDING, List.copyOf(FINDING_TYPE.fieldNames()));
        m.put(IDENTITY, List.copyOf(IDENTITY_TYPE.fieldNames()));
        m.put(EVENT, List.copyOf(EVENT_TYPE.fieldNames()));
        m.put(ACTION, List.copyOf(ACTION_TYPE.fieldNames()));
        return m;
    }
}
