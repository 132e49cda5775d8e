package io.itdr.server.cli;

import io.itdr.generate.EstateGenerator;
import io.itdr.generate.GeneratorSettings;
import io.itdr.generate.RawEstateWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write a deterministic, production-like estate of non-human identities with injected, labelled attacks.",
                "Writes DIR/events.jsonl (normalized telemetry), DIR/catalog.yaml and DIR/labels.jsonl.",
                "With --raw, also the same estate as the platforms record it, in DIR/raw/: aws-cloudtrail.json.gz (a CloudTrail "
                        + "log file; GuardDuty findings in the same Records array), okta-system-log.json (System Log LogEvents), "
                        + "other-platforms.jsonl (the other platforms' events, normalized) and labels.jsonl (the labels under the "
                        + "ids the connectors give the events they read back). CloudTrail records carry no ASN or location, and "
                        + "LogEvents no org or client secret, so a replay of raw/ sees AWS networks by /24 and no impossible "
                        + "travel on AWS identities."})
final class GenerateCommand implements Callable<Integer> {
    /** The subdirectory of --out that --raw writes. */
    static final String RAW = "raw";

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

    @Option(names = "--raw", description = "Also write the platforms' raw telemetry into DIR/raw/ (see above).")
    boolean raw;

    @Override
    public Integer call() {
        GeneratorSettings settings;
        try {
            settings = new GeneratorSettings(seed, identities, days, GeneratorSettings.DEFAULT_START);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            EstateGenerator generator = new EstateGenerator(settings);
            EstateGenerator.Summary summary;
            RawEstateWriter.Counts rawCounts = null;
            if (raw) {
                try (RawEstateWriter writer = RawEstateWriter.open(out.resolve(RAW))) {
                    summary = generator.generate(out, writer);
                    rawCounts = writer.counts();
                }
            } else {
                summary = generator.generate(out);
            }
            var w = spec.commandLine().getOut();
            w.printf("Wrote %s: %,d events (%d malicious) for %,d identities over %d days.%n", out, summary.events(),
                    summary.maliciousEvents(), summary.identities(), days);
            w.printf("Identities: %s%nAttacks:    %s%n", summary.identitiesByArchetype(), summary.attacksByFamily());
            w.printf("Replay it:  bin/itdr replay --events %1$s/events.jsonl --catalog %1$s/catalog.yaml --labels %1$s/labels.jsonl%n", out);
            if (rawCounts != null) {
                Path r = out.resolve(RAW);
                w.printf("Raw:        %s: %,d CloudTrail records and %,d GuardDuty findings in %s, %,d Okta LogEvents in %s, "
                                + "%,d events of other platforms in %s%n", r, rawCounts.cloudTrailRecords(), rawCounts.guardDutyFindings(),
                        RawEstateWriter.CLOUDTRAIL, rawCounts.oktaLogEvents(), RawEstateWriter.OKTA, rawCounts.normalizedEvents(),
                        RawEstateWriter.OTHER);
                w.printf("Replay raw: bin/itdr replay --source aws --events %1$s/%2$s --source okta --events %1$s/%3$s "
                                + "--source normalized --events %1$s/%4$s --catalog %5$s/catalog.yaml --labels %1$s/%6$s%n",
                        r, RawEstateWriter.CLOUDTRAIL, RawEstateWriter.OKTA, RawEstateWriter.OTHER, out, RawEstateWriter.LABELS);
            }
            return ExitCode.OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("itdr generate: cannot write " + out + ": " + e.getMessage());
            return ExitCode.UNREADABLE;
        }
    }
}
