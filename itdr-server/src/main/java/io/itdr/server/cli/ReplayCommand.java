package io.itdr.server.cli;

import io.itdr.core.audit.LedgerException;
import io.itdr.core.connect.ConnectorRegistry;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyException;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.CatalogException;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.normalize.NormalizedEventNormalizer;
import io.itdr.core.normalize.Printable;
import io.itdr.core.replay.Labels;
import io.itdr.core.replay.ReplayInput;
import io.itdr.core.enrich.NetworkDirectory;
import io.itdr.core.replay.ReplayOptions;
import io.itdr.core.replay.ReplayReport;
import io.itdr.core.replay.ReplayRunner;
import io.itdr.core.rules.sigma.SigmaDetector;
import io.itdr.core.rules.sigma.SigmaRuleLoader;
import io.itdr.core.rules.sigma.SigmaRules;
import io.itdr.server.connector.PluginProblemsException;
import io.itdr.server.connector.Plugins;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.telemetry.EventNormalizer;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run events through a policy in shadow mode and report what would have happened.",
                "Nothing is ever carried out. Input may be in any order; duplicates are dropped and counted. "
                        + "Bad records are rejected with file, record or line, event id and reason; the run goes on."})
final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--events", paramLabel = "FILE", required = true,
            description = "Telemetry to replay: files or directories (read recursively, hidden files skipped); repeatable; "
                    + "gzip is detected. Any order: events are sorted by time before the replay.")
    List<Path> events = new ArrayList<>();

    @Option(names = "--source", paramLabel = "ID",
            description = {"Input format of the --events that follow it: 'normalized' (itdr's JSONL, the default before any "
                    + "--source) or the id of a connector whose normalizer reads that platform's raw export (e.g. aws).",
                    "Give several to replay several platforms in one run, merged by event time: "
                    + "--source aws --events trail.json.gz --source okta --events logs.json"})
    List<String> sources = new ArrayList<>();

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Plugin folder the --source connectors load from: one directory per connector, DIR/<id>/ with its jars "
                    + "(default: plugins/ beside itdr.jar).")
    Path pluginsDir;

    @Option(names = "--policy", paramLabel = "FILE", description = "Policy file (default: the shipped default policy).")
    Path policyFile;

    @Option(names = "--catalog", paramLabel = "FILE", description = "Identity catalog (default: none, so every owner is unknown).")
    Path catalogFile;

    @Option(names = "--asn-database", paramLabel = "FILE",
            description = "MaxMind-format ASN database (GeoLite2-ASN.mmdb): network owners for new-source and replay checks.")
    Path asnDatabase;

    @Option(names = "--location-database", paramLabel = "FILE",
            description = "MaxMind-format City or Country database: countries and coordinates (impossible travel).")
    Path locationDatabase;

    @Option(names = "--cloud-ranges", paramLabel = "FILE",
            description = "A cloud provider's published ranges (AWS ip-ranges.json, Google cloud.json); repeatable.")
    List<Path> cloudRanges = new ArrayList<>();

    @Option(names = "--labels", paramLabel = "FILE", description = "Ground truth (JSONL event_id/label/family): adds precision and recall.")
    Path labelsFile;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--ledger", paramLabel = "FILE", description = "Write the replay's hash-chained ledger (JSONL) to FILE.")
    Path ledgerFile;

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Sigma rule files or folders to run beside the built-in detectors; repeatable. A rule that cannot be "
                    + "run is refused (file:line: reason on stderr) and the replay goes on with the others.")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--sort-buffer", paramLabel = "EVENTS",
            description = "Events sorted in memory before a sorted run spills to a temporary file (in java.io.tmpdir; "
                    + "default: sized by the heap, a quarter of it at about 600 bytes per event, at least "
                    + ReplayOptions.DEFAULT_MEMORY_EVENTS + ").")
    Integer sortBuffer;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!format.equals("text") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json, not '" + Printable.clip(format, 40) + "'");
        }
        if (sortBuffer != null && sortBuffer < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--sort-buffer must be at least 1, not " + sortBuffer);
        }
        Map<String, EventNormalizer> sources;
        Plugins plugins = Plugins.locateForCommandLine(pluginsDir);
        try {
            sources = availableSources(plugins);
        } catch (PluginProblemsException e) {
            err.println("itdr replay: connector plugins cannot be loaded from " + Printable.escape(e.where()) + ":");
            e.problems().forEach(p -> err.println("  " + Printable.escape(p)));
            return ExitCode.USAGE;
        }
        for (String source : this.sources) {
            if (!sources.containsKey(source)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown --source '" + Printable.clip(source, 40) + "'; available: " + sources.keySet()
                                + " (connectors from " + plugins.describe() + ")");
            }
        }
        Map<String, List<Path>> inputs = inputsInOrder();
        for (String source : this.sources) {
            if (!inputs.containsKey(source)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--source '" + Printable.clip(source, 40) + "' applies to the --events after it, and none follows");
            }
        }
        List<ReplayInput> replayInputs = new ArrayList<>();
        for (Map.Entry<String, List<Path>> input : inputs.entrySet()) {
            EventNormalizer normalizer = sources.get(input.getKey());
            if (normalizer == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown --source '" + Printable.clip(input.getKey(), 40) + "'; available: " + sources.keySet());
            }
            replayInputs.add(new ReplayInput(input.getKey(), normalizer, input.getValue()));
        }
        // The loaders report a missing file as a problem of the policy or catalog (exit 3); it is exit 4.
        for (Path input : Arrays.asList(policyFile, catalogFile, labelsFile)) {
            if (input != null && (!Files.isRegularFile(input) || !Files.isReadable(input))) {
                err.println("itdr replay: " + Printable.escape(input.toString()) + ": no such readable file");
                return ExitCode.UNREADABLE;
            }
        }
        Policy policy;
        IdentityCatalog catalog;
        try {
            policy = policyFile == null ? PolicyLoader.loadDefault() : PolicyLoader.load(policyFile);
            catalog = catalogFile == null ? IdentityCatalog.empty() : IdentityCatalog.load(catalogFile);
        } catch (PolicyException e) {
            // One escaped line per problem: a line break inside a problem (a quoted value) must not start a line.
            e.problems().forEach(p -> err.println(Printable.escape(p.toString())));
            return ExitCode.INVALID;
        } catch (CatalogException e) {
            e.problems().forEach(p -> err.println(Printable.escape(p.toString())));
            return ExitCode.INVALID;
        }
        Labels labels;
        try {
            labels = labelsFile == null ? null : Labels.load(labelsFile);
        } catch (Labels.InvalidLabelsException e) {
            err.println("itdr replay: " + e.getMessage());
            return ExitCode.UNREADABLE;
        } catch (UncheckedIOException e) {
            err.println("itdr replay: cannot read labels: " + Printable.escape(e.getCause().getMessage()));
            return ExitCode.UNREADABLE;
        }
        if (ledgerFile != null && Files.exists(ledgerFile)) {
            err.println("itdr replay: " + Printable.escape(ledgerFile.toString()) + " exists; a replay writes a new ledger");
            return ExitCode.USAGE;
        }
        ReplayOptions options = ReplayOptions.of(policy, catalog, labels, ledgerFile);
        if (sortBuffer != null) {
            options = options.withMemoryEvents(sortBuffer);
        }
        NetworkDirectory.Files network = new NetworkDirectory.Files(asnDatabase, locationDatabase, cloudRanges);
        if (!network.isEmpty()) {
            try {
                NetworkDirectory.open(network).close(); // refuse unreadable files before the replay starts
            } catch (IllegalArgumentException e) {
                err.println("itdr replay: " + Printable.escape(e.getMessage()));
                return ExitCode.UNREADABLE;
            }
            options = options.withDetection(options.detection().withNetworkData(network));
        }
        if (!rules.isEmpty()) {
            SigmaRules loaded;
            try {
                loaded = new SigmaRuleLoader().load(rules);
            } catch (UncheckedIOException e) {
                err.println("itdr replay: " + Printable.escape(String.valueOf(e.getCause().getMessage())));
                return ExitCode.UNREADABLE;
            }
            loaded.refused().forEach(r -> err.println("itdr replay: rule refused: " + Printable.escape(r.toString())));
            err.printf("itdr replay: rules: %d loaded (%d active), %d correlation rules, %d refused%n", loaded.rules().size(),
                    loaded.active(), loaded.correlations().size(), loaded.refused().size());
            options = options.withDetectors(List.of(SigmaDetector.of(loaded)));
        }
        ReplayReport report;
        try {
            report = new ReplayRunner(options).run(replayInputs);
        } catch (ReplayRunner.UnreadableInputException e) {
            err.println("itdr replay: " + e.getMessage());
            return ExitCode.UNREADABLE;
        } catch (LedgerException e) {
            // The ledger file cannot be created or written (no such directory, no permission, disk full).
            err.println("itdr replay: " + Printable.escape(e.getMessage()));
            return ExitCode.UNREADABLE;
        }
        spec.commandLine().getOut().print(format.equals("json") ? report.toJson() + System.lineSeparator() : report.toText());
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }

    /**
     * Source id → its files, in the order the command line gives them: each --source applies to the
     * --events after it; --events before any --source are the normalized format.
     */
    private Map<String, List<Path>> inputsInOrder() {
        Map<String, List<Path>> inputs = new LinkedHashMap<>();
        String current = NormalizedEventNormalizer.SOURCE_ID;
        int file = 0;
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--source") && i + 1 < args.size()) {
                current = args.get(++i);
            } else if (arg.startsWith("--source=")) {
                current = arg.substring("--source=".length());
            } else if (arg.equals("--events") || arg.startsWith("--events=")) {
                // picocli already parsed and converted the files, in order: take the next one
                inputs.computeIfAbsent(current, k -> new ArrayList<>()).add(events.get(file++));
                if (arg.equals("--events")) {
                    i++;
                }
            }
        }
        return inputs;
    }

    /**
     * The normalized format plus every connector that can read exports offline, loaded the way the
     * server loads them ({@link Plugins}).
     *
     * @throws PluginProblemsException when a plugin cannot be loaded: a replay does not run half-configured
     */
    static Map<String, EventNormalizer> availableSources(Plugins plugins) {
        Map<String, EventNormalizer> sources = new TreeMap<>();
        sources.put(NormalizedEventNormalizer.SOURCE_ID, new NormalizedEventNormalizer());
        ConnectorRegistry registry = plugins.discover();
        if (!registry.problems().isEmpty()) {
            throw new PluginProblemsException(plugins.describe(), registry.problems());
        }
        for (ConnectorFactory factory : registry.factories().values()) {
            Optional<EventNormalizer> n = factory.exportNormalizer();
            n.ifPresent(normalizer -> sources.put(factory.id(), normalizer));
        }
        return sources;
    }
}
