package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay --plugins DIR} loads connectors the way the server does, and refuses a broken folder. */
class CliPluginsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingPluginFolderIsNamedAndTheReplayDoesNotRun() throws IOException {
        Path events = Files.writeString(dir.resolve("events.jsonl"), "");

        CliRun run = CliRun.of("replay", "--plugins", dir.resolve("nowhere").toString(), "--events", events.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("itdr replay: connector plugins cannot be loaded from plugin folder " + dir.resolve("nowhere"))
                .contains(dir.resolve("nowhere") + ": plugin folder not found (no such directory)");
    }

    @Test
    void aBrokenPluginIsNamedByItsDirectory() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.createDirectories(plugins.resolve("gcp"));
        Path events = Files.writeString(dir.resolve("events.jsonl"), "");

        CliRun run = CliRun.of("replay", "--plugins", plugins.toString(), "--events", events.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(plugins.resolve("gcp") + ": empty plugin directory");
    }
}
