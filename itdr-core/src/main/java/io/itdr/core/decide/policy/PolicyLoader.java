package io.itdr.core.decide.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.runtime.CelEvaluationException;
import io.itdr.core.model.Criticality;
import io.itdr.core.model.Maturity;
import io.itdr.core.model.Mode;
import io.itdr.core.model.PolicyRef;
import io.itdr.core.yaml.YamlReader;
import io.itdr.core.yaml.YamlSyntaxException;
import io.itdr.spi.action.Rung;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Loads and validates policy files. A policy is accepted only whole: schema (required keys,
 * unknown keys, types, rung/approval/mode names, duplicate ids) and every CEL condition
 * (parsed and type-checked as bool against {@link PolicyVariables}) are checked, and every
 * problem is reported at once in a {@link PolicyException}.
 *
 * <p>The YAML is only composed into nodes, never bound to objects, so a file cannot instantiate
 * anything; aliases and size are bounded. Stateless and thread-safe.
 */
public final class PolicyLoader {
    /** Classpath location of the policy shipped with itdr. */
    public static final String DEFAULT_POLICY_RESOURCE = "io/itdr/core/decide/default-policy.yaml";

    private static final int MAX_POLICY_CODE_POINTS = 1_000_000;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Tunable thresholds per detector (memory caps are deliberately not policy: they bound the engine). */
    static final Map<String, Set<String>> DETECTION_KEYS = Map.of(
            "new_source", Set.of("learning_events"),
            "impossible_travel", Set.of("max_speed_kmh", "min_distance_km"),
            "token_replay", Set.of("window"),
            "dormant_reactivated", Set.of("after"),
            "privilege_change_then_use", Set.of("window"),
            "platform_finding", Set.of("repeat_window"));

    private static final Set<String> TOP_KEYS = Set.of("name", "version", "mode", "maturity", "detection", "rules",
            "guardrails", "escalation", "budgets", "recovery", "incidents");
    private static final Set<String> INCIDENT_KEYS = Set.of("window");
    private static final Set<String> RULE_KEYS = Set.of("id", "description", "when", "rung", "approval", "mode", "tags");
    private static final Set<String> MATURITY_KEYS = Set.of("level", "ceilings");
    private static final Set<String> GUARDRAIL_KEYS = Set.of("builtin", "custom");
    private static final Set<String> CUSTOM_GUARDRAIL_KEYS = Set.of("id", "description", "when", "allow_isolation");
    private static final Set<String> ESCALATION_KEYS = Set.of("id", "description", "findings", "within",
            "raise_confidence", "raise_rung_up_to");
    private static final Set<String> BUDGET_KEYS = Set.of("id", "scope", "max_actions", "window");
    private static final Set<String> RECOVERY_KEYS = Set.of("rung", "expires_after", "auto_restore", "keep_at_confidence");

    private PolicyLoader() {
    }

    static {
        // CEL's first compile in a JVM loads and initialises its classes (seconds on a cold, busy
        // machine); done here once so it is never charged to a policy's compile-time limit.
        try {
            PolicyVariables.RUNTIME.createProgram(PolicyVariables.RULE_COMPILER.compile("finding.detector.matches('a') && "
                    + "identity.consumers.all(c, c != '')", "warm-up").getAst());
            PolicyVariables.GUARDRAIL_COMPILER.compile("true", "warm-up");
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalStateException("CEL cannot compile a constant expression", e);
        }
    }

    /** CPU time of this thread where the JVM measures it (other processes on the machine do not count), else wall time. */
    private static long cpuNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled()
                ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /**
     * Loads a policy file.
     *
     * @throws PolicyException listing every problem, or the read failure
     */
    public static Policy load(Path file) {
        return load(file, PolicyLimits.DEFAULTS);
    }

    /**
     * Loads a policy file within {@code limits}.
     *
     * @throws PolicyException listing every problem, or the read failure
     */
    public static Policy load(Path file, PolicyLimits limits) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > limits.maxBytes()) {
                throw new PolicyException(List.of(new PolicyProblem(file.toString(), 0, 0, "",
                        "the policy is " + size + " bytes, over the limit of " + limits.maxBytes() + " bytes")));
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PolicyException(List.of(new PolicyProblem(file.toString(), 0, 0, "", "cannot read the policy file: " + e)));
        }
        return parse(bytes, file.toString(), limits);
    }

    /**
     * Parses a policy as bytes (it must be UTF-8: anything else is refused, located at its line);
     * its hash is that of these bytes.
     *
     * @param sourceName names the source in problems and {@link Policy#source()}
     * @throws PolicyException listing every problem
     */
    public static Policy parse(byte[] bytes, String sourceName, PolicyLimits limits) {
        return parseBytes(bytes, sourceName, limits);
    }

    /**
     * Parses policy text; its hash is that of the text's UTF-8 bytes.
     *
     * @param sourceName names the source in problems and {@link Policy#source()}
     * @throws PolicyException listing every problem
     */
    public static Policy parse(String yaml, String sourceName) {
        return parseBytes(yaml.getBytes(StandardCharsets.UTF_8), sourceName, PolicyLimits.DEFAULTS);
    }

    /** The policy shipped with itdr ({@value #DEFAULT_POLICY_RESOURCE}). */
    public static Policy loadDefault() {
        String source = "classpath:" + DEFAULT_POLICY_RESOURCE;
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(DEFAULT_POLICY_RESOURCE)) {
            if (in == null) {
                throw new PolicyException(List.of(new PolicyProblem(source, 0, 0, "", "the default policy is missing from the classpath")));
            }
            return parseBytes(in.readAllBytes(), source, PolicyLimits.DEFAULTS);
        } catch (IOException e) {
            throw new PolicyException(List.of(new PolicyProblem(source, 0, 0, "", "cannot read the default policy: " + e)));
        }
    }

    /** The bytes of the shipped default policy, as {@link #loadDefault()} reads them. */
    public static byte[] defaultPolicyBytes() {
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(DEFAULT_POLICY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the default policy is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the default policy", e);
        }
    }

    /** The hex SHA-256 of a policy's bytes: its {@link PolicyRef#sha256()}. */
    public static String hash(byte[] bytes) {
        return sha256(bytes);
    }

    private static Policy parseBytes(byte[] bytes, String source, PolicyLimits limits) {
        java.util.Objects.requireNonNull(limits, "limits");
        if (bytes.length > limits.maxBytes()) {
            throw new PolicyException(List.of(new PolicyProblem(source, 0, 0, "",
                    "the policy is " + bytes.length + " bytes, over the limit of " + limits.maxBytes() + " bytes")));
        }
        YamlReader reader = new YamlReader();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PolicyException(List.of(Utf8Problem.locate(bytes, source)));
        }
        Node root = compose(text, reader);
        Policy policy = root == null ? null : new Reading(reader, source, sha256(bytes), limits).policy(root);
        if (!reader.problems().isEmpty()) {
            throw new PolicyException(reader.problems().stream()
                    .map(p -> new PolicyProblem(source, p.line(), p.column(), p.path(), p.reason()))
                    .sorted(Comparator.comparingInt(PolicyProblem::line).thenComparingInt(PolicyProblem::column))
                    .toList());
        }
        return policy;
    }

    private static Node compose(String text, YamlReader reader) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(40);
        options.setCodePointLimit(MAX_POLICY_CODE_POINTS);
        try {
            YamlReader.Document document = YamlReader.compose(text, options);
            if (document.nextDocument() != null) { // worded as SnakeYAML words it
                reader.problem(document.nextDocument(), "", "YAML: but found another document (expected a single document in the stream)");
                return null;
            }
            if (document.root() == null) {
                reader.problem(0, 0, "", "the policy is empty");
            }
            return document.root();
        } catch (YamlSyntaxException e) {
            reader.problem(e.mark(), "", "YAML: " + e.reason());
            return null;
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** One pass over one document. */
    private static final class Reading {
        private final YamlReader r;
        private final String source;
        private final String sha256;
        private final PolicyLimits limits;
        private long compileNanos;
        private boolean compileStopped;

        Reading(YamlReader reader, String source, String sha256, PolicyLimits limits) {
            this.r = reader;
            this.source = source;
            this.sha256 = sha256;
            this.limits = limits;
        }

        Policy policy(Node root) {
            YamlReader.Fields top = r.fields(root, "", TOP_KEYS);
            if (top == null) {
                return null;
            }
            String name = opt(top, "name", true, r::name);
            String version = opt(top, "version", true, r::name);
            Mode mode = opt(top, "mode", true, (n, p) -> r.parsed(n, p, PolicyLoader::mode, "shadow or enforce"));
            MaturityCeiling maturity = opt(top, "maturity", false, this::maturity);
            Map<String, Object> detection = opt(top, "detection", false, this::detection);
            List<ContainmentRule> rules = opt(top, "rules", true, this::rules);
            GuardrailSettings guardrails = opt(top, "guardrails", false, this::guardrails);
            List<EscalationRule> escalation = opt(top, "escalation", false, this::escalation);
            List<BudgetRule> budgets = opt(top, "budgets", false, this::budgets);
            List<RecoveryRule> recovery = opt(top, "recovery", false, this::recovery);
            Duration incidentWindow = opt(top, "incidents", false, this::incidentWindow);
            if (!r.problems().isEmpty()) {
                return null;
            }
            return new Policy(new PolicyRef(name, version, sha256), source, mode, maturity,
                    detection == null ? Map.of() : detection, rules,
                    guardrails == null ? GuardrailSettings.defaults() : guardrails,
                    escalation == null ? List.of() : escalation, budgets == null ? List.of() : budgets,
                    recovery == null ? List.of() : recovery, incidentWindow);
        }

        /** {@code incidents: {window: PT1H}}: findings of one identity this close together form one incident. */
        private Duration incidentWindow(Node node, String path) {
            YamlReader.Fields f = r.fields(node, path, INCIDENT_KEYS);
            return f == null ? null : opt(f, "window", false, r::duration);
        }

        private interface Read<T> {
            T read(Node node, String path);
        }

        /** Reads a key with {@code read} if present; a required key that is absent is a problem. */
        private static <T> T opt(YamlReader.Fields f, String key, boolean required, Read<T> read) {
            Node n = required ? f.require(key) : f.get(key);
            return n == null ? null : read.read(n, f.path(key));
        }

        // ---- maturity ----

        private MaturityCeiling maturity(Node node, String path) {
            YamlReader.Fields f = r.fields(node, path, MATURITY_KEYS);
            if (f == null) {
                return null;
            }
            Maturity level = opt(f, "level", true, (n, p) -> r.parsed(n, p, Maturity::fromName, names(Maturity.values())));
            Node ceilingsNode = f.require("ceilings");
            if (ceilingsNode == null) {
                return null;
            }
            Set<String> levelNames = Arrays.stream(Maturity.values()).map(Maturity::policyName).collect(Collectors.toSet());
            YamlReader.Fields cf = r.fields(ceilingsNode, f.path("ceilings"), levelNames);
            if (cf == null) {
                return null;
            }
            Map<Maturity, Rung> ceilings = new EnumMap<>(Maturity.class);
            Rung previous = null;
            Maturity previousLevel = null;
            for (Maturity m : Maturity.values()) {
                Rung rung = opt(cf, m.policyName(), true, this::rung);
                if (rung == null) {
                    continue;
                }
                if (previous != null && previous.isAbove(rung)) {
                    r.problem(cf.get(m.policyName()), cf.path(m.policyName()), "the ceiling must not fall as maturity rises: "
                            + m.policyName() + " allows " + rung.policyName() + " but " + previousLevel.policyName()
                            + " allows " + previous.policyName());
                }
                ceilings.put(m, rung);
                previous = rung;
                previousLevel = m;
            }
            return level == null || ceilings.size() != Maturity.values().length ? null : new MaturityCeiling(level, ceilings);
        }

        // ---- detection ----

        /**
         * Detector thresholds: {@code detector → setting → value}, every key known and typed, so a
         * misspelt threshold is refused instead of silently ignored. Values are Integer, Double or
         * Duration; the pipeline applies them to the detectors' defaults.
         */
        private Map<String, Object> detection(Node node, String path) {
            YamlReader.Fields f = r.fields(node, path, DETECTION_KEYS.keySet());
            if (f == null) {
                return null;
            }
            Map<String, Object> tuning = new java.util.TreeMap<>();
            for (Map.Entry<String, Set<String>> detector : DETECTION_KEYS.entrySet()) {
                YamlReader.Fields settings = opt(f, detector.getKey(), false, (n, p) -> r.fields(n, p, detector.getValue()));
                if (settings == null) {
                    continue;
                }
                Map<String, Object> values = new java.util.TreeMap<>();
                for (String key : detector.getValue()) {
                    Object value = opt(settings, key, false, (n, p) -> switch (key) {
                        case "learning_events" -> r.integer(n, p, 0);
                        case "max_speed_kmh" -> r.number(n, p, 1, 1_000_000);
                        case "min_distance_km" -> r.number(n, p, 0, 40_075);
                        default -> r.duration(n, p);
                    });
                    if (value != null) {
                        values.put(key, value);
                    }
                }
                tuning.put(detector.getKey(), values);
            }
            return tuning;
        }

        // ---- containment rules ----

        private List<ContainmentRule> rules(Node node, String path) {
            List<Node> items = r.sequence(node, path);
            if (items == null) {
                return null;
            }
            if (items.size() > limits.maxRules()) {
                r.problem(node, path, items.size() + " rules, over the limit of " + limits.maxRules() + "; none was compiled");
                return null;
            }
            List<ContainmentRule> rules = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < items.size(); i++) {
                String p = YamlReader.element(path, i);
                YamlReader.Fields f = r.fields(items.get(i), p, RULE_KEYS);
                if (f == null) {
                    continue;
                }
                String id = id(f, seen, "rule");
                String description = opt(f, "description", false, r::string);
                String owner = "rule " + (id == null ? p : "'" + id + "'");
                Condition when = opt(f, "when", true, (n, q) -> condition(n, q, PolicyVariables.RULE_COMPILER, owner));
                Rung rung = opt(f, "rung", true, this::rung);
                Approval approval = opt(f, "approval", false, (n, q) -> r.parsed(n, q, PolicyLoader::approval, "auto or required"));
                Mode mode = opt(f, "mode", false, (n, q) -> r.parsed(n, q, PolicyLoader::mode, "shadow or enforce"));
                List<String> tags = opt(f, "tags", false, r::strings);
                if (id != null && when != null && rung != null) {
                    rules.add(new ContainmentRule(id, description == null ? "" : description.trim(), when, rung,
                            approval == null ? Approval.AUTO : approval, mode, tags == null ? List.of() : tags));
                }
            }
            return rules;
        }

        // ---- guardrails ----

        private GuardrailSettings guardrails(Node node, String path) {
            YamlReader.Fields f = r.fields(node, path, GUARDRAIL_KEYS);
            if (f == null) {
                return null;
            }
            Set<BuiltinGuardrail> enabled = EnumSet.allOf(BuiltinGuardrail.class);
            int maxConsumers = GuardrailSettings.DEFAULT_MAX_CONSUMERS;
            Criticality criticalTier = GuardrailSettings.DEFAULT_CRITICAL_TIER;
            boolean holdUnknownTier = false;
            Node builtinNode = f.get("builtin");
            if (builtinNode != null) {
                Set<String> ids = Arrays.stream(BuiltinGuardrail.values()).map(BuiltinGuardrail::id).collect(Collectors.toSet());
                YamlReader.Fields bf = r.fields(builtinNode, f.path("builtin"), ids);
                if (bf != null) {
                    for (String key : bf.keys()) {
                        BuiltinGuardrail g = BuiltinGuardrail.fromId(key);
                        Node gn = bf.get(key);
                        String gp = bf.path(key);
                        Boolean on;
                        if (gn instanceof ScalarNode) {
                            on = r.bool(gn, gp); // shorthand: "shared_identity: false"
                        } else {
                            YamlReader.Fields gf = r.fields(gn, gp, parametersOf(g));
                            if (gf == null) {
                                continue;
                            }
                            on = opt(gf, "enabled", false, r::bool);
                            if (g == BuiltinGuardrail.SHARED_IDENTITY) {
                                Integer max = opt(gf, "max_consumers", false, (n, q) -> r.integer(n, q, 1));
                                maxConsumers = max == null ? maxConsumers : max;
                            } else if (g == BuiltinGuardrail.BUSINESS_CRITICAL) {
                                Criticality t = opt(gf, "threshold", false,
                                        (n, q) -> r.parsed(n, q, Criticality::fromName, names(Criticality.values())));
                                criticalTier = t == null ? criticalTier : t;
                                Boolean unknown = opt(gf, "hold_unknown_tier", false, r::bool);
                                holdUnknownTier = unknown != null && unknown;
                            }
                        }
                        if (Boolean.FALSE.equals(on) && g == BuiltinGuardrail.UNCONFIRMED_FINDING) {
                            r.problem(gn, gp, "unconfirmed_finding cannot be switched off: a pushed platform finding the platform "
                                    + "does not confirm is never acted on above hold");
                        } else if (Boolean.FALSE.equals(on)) {
                            enabled.remove(g);
                        }
                    }
                }
            }
            List<CustomGuardrail> custom = new ArrayList<>();
            Node customNode = f.get("custom");
            List<Node> items = customNode == null ? List.of() : r.sequence(customNode, f.path("custom"));
            if (items != null && items.size() > limits.maxRules()) {
                r.problem(customNode, f.path("custom"), items.size() + " custom guardrails, over the limit of " + limits.maxRules()
                        + "; none was compiled");
                items = null;
            }
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; items != null && i < items.size(); i++) {
                String p = YamlReader.element(f.path("custom"), i);
                YamlReader.Fields cf = r.fields(items.get(i), p, CUSTOM_GUARDRAIL_KEYS);
                if (cf == null) {
                    continue;
                }
                String id = id(cf, seen, "guardrail");
                if (id != null && BuiltinGuardrail.fromId(id) != null) {
                    r.problem(cf.get("id"), cf.path("id"), "'" + id + "' is a built-in guardrail; configure it under guardrails.builtin");
                    id = null;
                }
                String description = opt(cf, "description", false, r::string);
                String owner = "guardrail " + (id == null ? p : "'" + id + "'");
                Condition when = opt(cf, "when", true, (n, q) -> condition(n, q, PolicyVariables.GUARDRAIL_COMPILER, owner));
                Boolean allowIsolation = opt(cf, "allow_isolation", false, r::bool);
                if (id != null && when != null) {
                    custom.add(new CustomGuardrail(id, description == null ? "" : description.trim(), when,
                            allowIsolation != null && allowIsolation));
                }
            }
            return new GuardrailSettings(enabled, maxConsumers, criticalTier, holdUnknownTier, custom);
        }

        private static Set<String> parametersOf(BuiltinGuardrail g) {
            return switch (g) {
                case SHARED_IDENTITY -> Set.of("enabled", "max_consumers");
                case BUSINESS_CRITICAL -> Set.of("enabled", "threshold", "hold_unknown_tier");
                default -> Set.of("enabled");
            };
        }

        // ---- escalation ----

        private List<EscalationRule> escalation(Node node, String path) {
            List<Node> items = r.sequence(node, path);
            if (items == null) {
                return null;
            }
            List<EscalationRule> out = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < items.size(); i++) {
                String p = YamlReader.element(path, i);
                YamlReader.Fields f = r.fields(items.get(i), p, ESCALATION_KEYS);
                if (f == null) {
                    continue;
                }
                String id = id(f, seen, "escalation");
                String description = opt(f, "description", false, r::string);
                Integer findings = opt(f, "findings", true, (n, q) -> r.integer(n, q, 2));
                Duration within = opt(f, "within", true, r::duration);
                Double raise = opt(f, "raise_confidence", false, (n, q) -> r.number(n, q, 0, 1));
                Rung maxRung = opt(f, "raise_rung_up_to", false, this::rung);
                if (f.get("raise_confidence") == null && f.get("raise_rung_up_to") == null) {
                    r.problem(f.node(), p, "an escalation needs an effect: raise_confidence, raise_rung_up_to, or both");
                }
                if (id != null && findings != null && within != null) {
                    out.add(new EscalationRule(id, description == null ? "" : description.trim(), findings, within,
                            raise == null ? 0 : raise, maxRung));
                }
            }
            return out;
        }

        // ---- budgets ----

        private List<BudgetRule> budgets(Node node, String path) {
            List<Node> items = r.sequence(node, path);
            if (items == null) {
                return null;
            }
            List<BudgetRule> out = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < items.size(); i++) {
                String p = YamlReader.element(path, i);
                YamlReader.Fields f = r.fields(items.get(i), p, BUDGET_KEYS);
                if (f == null) {
                    continue;
                }
                String id = id(f, seen, "budget");
                BudgetScope scope = opt(f, "scope", true, (n, q) -> r.parsed(n, q, PolicyLoader::scope, names(BudgetScope.values())));
                Integer max = opt(f, "max_actions", true, (n, q) -> r.integer(n, q, 1));
                Duration window = opt(f, "window", true, r::duration);
                if (id != null && scope != null && max != null && window != null) {
                    out.add(new BudgetRule(id, scope, max, window));
                }
            }
            return out;
        }

        // ---- recovery ----

        private List<RecoveryRule> recovery(Node node, String path) {
            List<Node> items = r.sequence(node, path);
            if (items == null) {
                return null;
            }
            List<RecoveryRule> out = new ArrayList<>();
            Map<Rung, Integer> seen = new EnumMap<>(Rung.class);
            for (int i = 0; i < items.size(); i++) {
                String p = YamlReader.element(path, i);
                YamlReader.Fields f = r.fields(items.get(i), p, RECOVERY_KEYS);
                if (f == null) {
                    continue;
                }
                Rung rung = opt(f, "rung", true, this::rung);
                if (rung != null && rung.isObserving()) {
                    r.problem(f.get("rung"), f.path("rung"), rung.policyName() + " changes nothing on a platform; recovery applies to step_up and above");
                    rung = null;
                } else if (rung != null && seen.containsKey(rung)) {
                    r.problem(f.get("rung"), f.path("rung"), "duplicate recovery rule for " + rung.policyName() + " (first at line " + seen.get(rung) + ")");
                    rung = null;
                } else if (rung != null) {
                    seen.put(rung, YamlReader.line(f.get("rung")));
                }
                Duration expires = opt(f, "expires_after", true, r::duration);
                Boolean restore = opt(f, "auto_restore", false, r::bool);
                Double keepAt = opt(f, "keep_at_confidence", false, (n, q) -> r.number(n, q, 0, 1));
                if (rung != null && expires != null) {
                    out.add(new RecoveryRule(rung, expires, restore == null || restore, keepAt));
                }
            }
            return out;
        }

        // ---- shared pieces ----

        /** A required, well-formed id unique among {@code seen} (id → line); null after a problem. */
        private String id(YamlReader.Fields f, Map<String, Integer> seen, String what) {
            Node n = f.require("id");
            if (n == null) {
                return null;
            }
            String id = r.name(n, f.path("id"));
            if (id == null) {
                return null;
            }
            if (!ID.matcher(id).matches()) {
                r.problem(n, f.path("id"), "a " + what + " id is letters, digits, '.', '_' and '-', starting with a letter or digit; found '" + id + "'");
                return null;
            }
            Integer first = seen.putIfAbsent(id, YamlReader.line(n));
            if (first != null) {
                r.problem(n, f.path("id"), "duplicate " + what + " id '" + id + "' (first at line " + first + ")");
                return null;
            }
            return id;
        }

        private Rung rung(Node node, String path) {
            return r.parsed(node, path, Rung::fromPolicyName, "a rung: " + names(Rung.values()));
        }

        /**
         * Compiles and type-checks a CEL condition; every CEL issue becomes a located problem, and so
         * does a constant regular expression that RE2 (CEL's engine) refuses, and a condition over the
         * compile-time limits. Once the total limit is spent, nothing more is compiled.
         *
         * @param owner names the rule or guardrail in problems ("rule 'stolen-key'")
         */
        private Condition condition(Node node, String path, CelCompiler compiler, String owner) {
            String text = r.name(node, path);
            if (text == null || compileStopped) {
                return null;
            }
            long started = cpuNanos();
            try {
                CelValidationResult result = compiler.compile(text, path);
                if (result.hasError()) {
                    for (CelIssue issue : result.getErrors()) {
                        celProblem(node, path, issue);
                    }
                    return null;
                }
                CelAbstractSyntaxTree ast = result.getAst();
                if (!SimpleType.BOOL.equals(ast.getResultType())) {
                    r.problem(node, path, "a condition must be a bool expression; this one is " + ast.getResultType().name());
                    return null;
                }
                String badRegex = ConditionChecks.invalidRegex(ast.getExpr());
                if (badRegex != null) {
                    r.problem(node, path, owner + ": " + badRegex);
                    return null;
                }
                return new Condition(text.strip().replaceAll("\\s+", " "), YamlReader.line(node),
                        PolicyVariables.RUNTIME.createProgram(ast));
            } catch (CelValidationException | CelEvaluationException e) {
                r.problem(node, path, "CEL: " + e.getMessage());
                return null;
            } finally {
                overTime(node, path, owner, cpuNanos() - started);
            }
        }

        /** Reports a condition that took too long, and stops compiling once the total is spent. */
        private void overTime(Node node, String path, String owner, long nanos) {
            compileNanos += nanos;
            if (nanos > limits.maxCompilePerCondition().toNanos()) {
                r.problem(node, path, owner + ": compiling its condition took " + millis(nanos) + ", over the limit of "
                        + millis(limits.maxCompilePerCondition().toNanos()) + " per condition");
            }
            if (compileNanos > limits.maxCompileTotal().toNanos()) {
                compileStopped = true;
                r.problem(node, path, "compiling stopped at " + owner + ": the policy's conditions took " + millis(compileNanos)
                        + ", over the limit of " + millis(limits.maxCompileTotal().toNanos()) + " in total");
            }
        }

        private static String millis(long nanos) {
            return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
        }

        /**
         * Locates a CEL issue in the file. For a plain one-line scalar the issue's column maps
         * exactly; for quoted or block scalars (escapes and folding shift columns) the problem
         * points at the value and names the position within the expression.
         */
        private void celProblem(Node node, String path, CelIssue issue) {
            CelSourceLocation at = issue.getSourceLocation();
            boolean located = at != null && at.getLine() >= 1 && at.getColumn() >= 0;
            boolean plainOneLine = node instanceof ScalarNode s
                    && s.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN
                    && s.getStartMark().getLine() == s.getEndMark().getLine();
            int line = YamlReader.line(node);
            int column = node.getStartMark().getColumn() + 1;
            String reason = "CEL: " + issue.getMessage();
            if (located && plainOneLine && at.getLine() == 1) {
                column += at.getColumn();
            } else if (located) {
                reason += " (at line " + at.getLine() + ", column " + (at.getColumn() + 1) + " of the expression)";
            }
            r.problem(line, column, path, reason);
        }
    }

    private static Mode mode(String s) {
        return switch (s) {
            case "shadow" -> Mode.SHADOW;
            case "enforce" -> Mode.ENFORCE;
            default -> throw new IllegalArgumentException(s);
        };
    }

    private static Approval approval(String s) {
        return switch (s) {
            case "auto" -> Approval.AUTO;
            case "required" -> Approval.REQUIRED;
            default -> throw new IllegalArgumentException(s);
        };
    }

    private static BudgetScope scope(String s) {
        for (BudgetScope b : BudgetScope.values()) {
            if (b.policyName().equals(s)) {
                return b;
            }
        }
        throw new IllegalArgumentException(s);
    }

    private static String names(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }
}
