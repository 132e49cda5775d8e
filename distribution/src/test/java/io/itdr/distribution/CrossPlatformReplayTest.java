package io.itdr.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One replay of real AWS, Okta, Azure and Google Cloud records (the labelled corpus beside the repository, {@code ../shared/corpus},
 * turned into raw exports by its own {@code to-raw}) through the shipped default policy, each platform read by its
 * plugin from {@code plugins/}: every source's records are read in the same run, and the counts are those each
 * platform gives alone. Skipped where the corpus or python3 (which {@code to-raw} needs) is absent.
 */
class CrossPlatformReplayTest {
    private static final Path DIST = Path.of(System.getProperty("itdr.distribution", "target/itdr"));
    private static final Path CORPUS = Path.of(System.getProperty("itdr.corpus", "../../shared/corpus"));
    private static final Pattern EVENTS = Pattern.compile("Events: ([0-9,]+) read, ([0-9,]+) accepted, ([0-9,]+) rejected");

    @BeforeAll
    static void laidOut() {
        Assumptions.assumeTrue(Files.isRegularFile(DIST.resolve("itdr.jar")),
                DIST.resolve("itdr.jar") + " not laid out: this build did not package itdr-server (run ./mvnw verify)");
        Assumptions.assumeTrue(Files.isRegularFile(CORPUS.resolve("to-raw")), CORPUS.toAbsolutePath() + " holds no corpus");
    }

    @Test
    void awsOktaAzureAndGoogleCloudRecordsReplayTogetherThroughTheDefaultPolicy(@TempDir Path dir) throws Exception {
        Path aws = raw("aws_cloudtrail", dir);
        Path okta = raw("okta_systemlog", dir);
        Path signIns = raw("entra_signin", dir);
        Path audits = raw("entra_audit", dir);
        Path activity = raw("azure_activity", dir);
        Path gcp = raw("gcp_audit", dir);

        Run together = itdr("replay", "--source", "aws", "--events", aws.toString(), "--source", "okta", "--events", okta.toString(),
                "--source", "azure", "--events", signIns.toString(), "--events", audits.toString(), "--events", activity.toString(),
                "--source", "gcp", "--events", gcp.toString());

        assertThat(together.exit).as(together.output).isZero();
        assertThat(together.output).contains("source aws+okta+azure+gcp");
        long[] all = counts(together);
        long[] alone = new long[3];
        for (Run single : List.of(itdr("replay", "--source", "aws", "--events", aws.toString()),
                itdr("replay", "--source", "okta", "--events", okta.toString()),
                itdr("replay", "--source", "azure", "--events", signIns.toString(), "--events", audits.toString(), "--events",
                        activity.toString()),
                itdr("replay", "--source", "gcp", "--events", gcp.toString()))) {
            assertThat(single.exit).as(single.output).isZero();
            long[] c = counts(single);
            for (int i = 0; i < 3; i++) {
                alone[i] += c[i];
            }
        }
        assertThat(all).as("read, accepted, rejected together = the sum of each platform alone").containsExactly(alone);
        // measured on the corpus: aws_cloudtrail 372, okta_systemlog 31, entra_signin 14, entra_audit 11, azure_activity 132,
        // gcp_audit 90 records read
        assertThat(all[0]).isEqualTo(372 + 31 + 14 + 11 + 132 + 90);
    }

    /** The corpus file as its platform's raw export, written by the corpus's own converter. */
    private static Path raw(String name, Path dir) throws IOException, InterruptedException {
        Path prefix = dir.resolve(name);
        Process process;
        try {
            process = new ProcessBuilder("python3", CORPUS.resolve("to-raw").toString(), CORPUS.resolve(name + ".jsonl").toString(),
                    prefix.toString()).redirectErrorStream(true).start();
        } catch (IOException noPython) {
            Assumptions.abort("python3 is needed to run the corpus's to-raw: " + noPython.getMessage());
            throw noPython;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return Path.of(prefix + ".raw");
    }

    private static long[] counts(Run run) {
        Matcher m = EVENTS.matcher(run.output);
        assertThat(m.find()).as(run.output).isTrue();
        return new long[] {number(m.group(1)), number(m.group(2)), number(m.group(3))};
    }

    private static long number(String text) {
        return Long.parseLong(text.replace(",", ""));
    }

    private record Run(int exit, String output) {
    }

    private static Run itdr(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                DIST.resolve("itdr.jar").toString()));
        Collections.addAll(command, args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
