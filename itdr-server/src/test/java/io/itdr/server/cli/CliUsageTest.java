package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliUsageTest {

    @TempDir
    Path dir;

    private Path events() {
        return NormalizedEvents.write(dir.resolve("events.jsonl"),
                List.of(NormalizedEvents.apiCall("e-1", "2026-10-01T10:00:00Z", "arn:aws:iam::1:user/a")));
    }

    @Test
    void noSubcommandIsAUsageError() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("Missing subcommand").contains("Usage: itdr");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void unknownOptionIsAUsageErrorNamingIt() {
        CliRun top = CliRun.of("--bogus");
        CliRun replay = CliRun.of("replay", "--events", events().toString(), "--frobnicate");

        assertThat(top.exitCode()).as(top.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(top.err()).contains("--bogus");
        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(replay.err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void replayWithoutEventsIsAUsageError() {
        CliRun run = CliRun.of("replay");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("Missing required option: '--events=FILE'");
    }

    @Test
    void formatOtherThanTextOrJsonIsAUsageError() {
        CliRun run = CliRun.of("replay", "--events", events().toString(), "--format", "xml");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--format must be text or json, not 'xml'");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void unknownSourceIsAUsageErrorListingTheAvailableOnes() {
        CliRun run = CliRun.of("replay", "--events", events().toString(), "--source", "nope");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("unknown --source 'nope'").containsPattern("available: \\[[^]]*normalized[^]]*]");
    }

    @ParameterizedTest
    @CsvSource({"banana, 'banana' is not an int", "0, must be at least 1"})
    void badSortBufferIsAUsageError(String events, String message) {
        CliRun run = CliRun.of("replay", "--events", events().toString(), "--sort-buffer", events);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--sort-buffer").contains(message);
    }

    @Test
    void tooFewIdentitiesIsAUsageErrorAndWritesNothing() throws IOException {
        Path out = dir.resolve("estate");

        CliRun run = CliRun.of("generate", "--identities", "5", "--out", out.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("identities must be at least 100, got 5");
        assertThat(out).doesNotExist();
    }

    @Test
    void groupCommandsWithoutTheirSubcommandAreUsageErrors() {
        CliRun policy = CliRun.of("policy");
        CliRun ledger = CliRun.of("ledger");

        assertThat(policy.exitCode()).as(policy.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(policy.err()).contains("Missing subcommand: validate");
        assertThat(ledger.exitCode()).as(ledger.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(ledger.err()).contains("Missing subcommand: verify");
    }

    @Test
    void versionPrintsTheSpiVersion() {
        CliRun run = CliRun.of("--version");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).startsWith("itdr ").contains("SPI ");
    }

    @Test
    void versionLineNamesTheVersionAndCommitTheJarWasBuiltFrom() {
        Properties build = new Properties();
        build.setProperty("version", "0.1.0");
        build.setProperty("commit", "52d3f4c1a2b3");
        build.setProperty("dirty", "true");
        Properties unfiltered = new Properties();
        unfiltered.setProperty("version", "${project.version}");
        unfiltered.setProperty("commit", "${git.commit.id.abbrev}");

        assertThat(ItdrCli.Version.line(build)).startsWith("itdr 0.1.0 (commit 52d3f4c1a2b3, modified), SPI ");
        assertThat(ItdrCli.Version.line(unfiltered)).startsWith("itdr development build, SPI ");
        assertThat(new ItdrCli.Version().getVersion()[0]).as("the build filters build.properties")
                .doesNotContain("development build");
    }

    @Test
    void serveRefusesABadPolicyOrCatalogBeforeCreatingTheDatabase(@TempDir Path dir) throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "rules: [\n");
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), "identities:\n  - pattern: 42\n    nonsense: true\n");
        String db = "--db-url=jdbc:h2:file:" + dir.resolve("db/itdr").toAbsolutePath();

        CliRun badPolicy = CliRun.of("serve", "--port", "0", db, "--policy", policy.toString());
        CliRun badCatalog = CliRun.of("serve", "--port", "0", db, "--itdr.catalog=" + catalog);
        CliRun missing = CliRun.of("serve", "--port", "0", db, "--policy", dir.resolve("absent.yaml").toString());

        assertThat(badPolicy.exitCode()).as(badPolicy.toString()).isEqualTo(ExitCode.INVALID);
        assertThat(badPolicy.err()).contains("the policy is invalid; the server did not start", "policy.yaml");
        assertThat(badCatalog.exitCode()).as(badCatalog.toString()).isEqualTo(ExitCode.INVALID);
        assertThat(badCatalog.err()).contains("the catalog is invalid; the server did not start", "catalog.yaml");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCode.UNREADABLE);
        assertThat(missing.err()).contains("absent.yaml: cannot read");
        assertThat(dir.resolve("db")).as("no database is created for a server that cannot run").doesNotExist();
    }

    @Test
    void serveHelpKeepsPropertiesWhole() {
        CliRun run = CliRun.of("serve", "--help");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("--itdr.connectors.aws.enabled=true", "--itdr.connectors.okta.enabled=true");
        assertThat(run.out().lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
    }

    @Test
    void topLevelHelpListsCommandsAndExitCodes() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("replay", "generate", "policy", "ledger", "rules", "Exit codes:",
                "3   invalid policy, catalog or rule, or broken ledger", "4   input unreadable");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "replay            | --events=FILE, --source=ID, --policy=FILE, --catalog=FILE, --labels=FILE, --format=FORMAT, --ledger=FILE, --sort-buffer=EVENTS",
            "generate          | --out=DIR, --identities=N, --days=D, --seed=S",
            "policy validate   | FILE..., file:line:column: path: reason",
            "ledger verify     | FILE, intact, --checkpoints=DIR, --public-key=FILE",
            "ledger keygen     | PREFIX, PREFIX.key, PREFIX.pub",
            "policy            | validate",
            "ledger            | verify, keygen"})
    void helpOfEachCommandMentionsItsOptions(String command, String mentions) {
        String[] words = command.trim().split(" +");
        String[] args = Arrays.copyOf(words, words.length + 1);
        args[words.length] = "--help";

        CliRun run = CliRun.of(args);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("Usage: itdr " + command.trim());
        for (String mention : mentions.split(", ")) {
            assertThat(run.out()).contains(mention.trim());
        }
    }

    @Test
    void helpCommandShowsASubcommandsHelp() {
        CliRun run = CliRun.of("help", "replay");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("Usage: itdr replay", "--events=FILE");
    }
}
