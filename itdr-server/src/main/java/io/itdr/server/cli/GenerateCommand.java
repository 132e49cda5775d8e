package io.itdr.server.cli;

import io.itdr.core.generate.EstateGenerator;
import io.itdr.core.generate.GeneratorSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write a deterministic, production-like estate of non-human identities with injected, labelled attacks.",
                "Writes DIR/events.jsonl (normalized telemetry), DIR/catalog.yaml and DIR/labels.jsonl."})
final class GenerateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "estate", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--identities", paramLabel = "N", defaultValue = "300",
            description = "Number of identities, at least " + EstateGenerator.MIN_IDENTITIES + " (default: ${DEFAULT-VALUE}).")
    int identities;

    @Option(names = "--days", paramLabel = "D", defaultValue = "14",
            description = "Days of telemetry, at least " + EstateGenerator.MIN_DAYS + " (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7", description = "Random seed; the same seed gives the same files (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        GeneratorSettings settings;
        try {
            settings = new GeneratorSettings(seed, identities, days, GeneratorSettings.DEFAULT_START);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            EstateGenerator.Summary summary = new EstateGenerator(settings).generate(out);
            var w = spec.commandLine().getOut();
            w.printf("Wrote %s: %,d events (%d malicious) for %,d identities over %d days.%n", out, summary.events(),
                    summary.maliciousEvents(), summary.identities(), days);
            w.printf("Identities: %s%nAttacks:    %s%n", summary.identitiesByArchetype(), summary.attacksByFamily());
            w.printf("Replay it:  bin/itdr replay --events %1$s/events.jsonl --catalog %1$s/catalog.yaml --labels %1$s/labels.jsonl%n", out);
            return ExitCode.OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("itdr generate: cannot write " + out + ": " + e.getMessage());
            return ExitCode.UNREADABLE;
        }
    }
}
