package io.itdr.core.act;

import static io.itdr.core.testing.ActionHarness.acting;
import static io.itdr.core.testing.ActionHarness.finding;
import static io.itdr.core.testing.ActionHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.Mode;
import io.itdr.core.normalize.Printable;
import io.itdr.core.testing.ActionHarness;
import io.itdr.spi.action.Rung;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Platform text cannot forge log lines: an identity name and a decision id carrying CR, LF, ESC
 * and U+2028 reach the coordinator's "not planned" warning (through the connector's error message)
 * escaped, one line per entry. The core's tests log through slf4j-simple to standard error, which
 * is captured here.
 */
class LogInjectionTest {
    private static final String HOSTILE = "ghost\r\n12:00:00.000 ERROR forged line\u001b[31m red\u2028next\u2029end\u0085nel\u0007";

    @Test
    void controlCharactersInPlatformTextAreEscapedInTheNotPlannedWarning() {
        ActionHarness h = new ActionHarness();
        String log = captureStandardError(() -> h.coordinator.handle(acting("d-" + HOSTILE, finding("ci-deployer"), Mode.ENFORCE,
                List.of(request(Rung.DISABLE_IDENTITY, HOSTILE, null))), finding("ci-deployer")));

        List<String> lines = log.lines().toList();
        assertThat(lines).filteredOn(line -> line.contains("not planned")).hasSize(1);
        // every line is the start of an entry of slf4j-simple's format, none a forged continuation
        assertThat(lines).as(log).isNotEmpty().allMatch(line -> line.matches("\\[[^\\]]+\\] (WARN|INFO|DEBUG) io\\.itdr\\..*"));
        assertThat(log.chars().filter(c -> c != '\n' && (Character.isISOControl(c) || c == 0x2028 || c == 0x2029))).isEmpty();
        assertThat(log).contains("ghost\\u000d\\u000a12:00:00.000 ERROR forged line\\u001b[31m red\\u2028next\\u2029end\\u0085nel\\u0007");
    }

    @Test
    void printableEscapesEveryLineBreakingAndTerminalCharacter() {
        assertThat(Printable.escape((Object) HOSTILE)).doesNotContain("\r", "\n", "\u001b", "\u2028", "\u2029", "\u0085", "\u0007");
        assertThat(Printable.escape((Object) null)).isEqualTo("null");
        assertThat(Printable.escape((Object) 42)).isEqualTo("42");
    }

    private static String captureStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
