package io.itdr.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * Lines are found in the read buffer and handed over in place, so a line may lie in one read or be
 * split across several: however the stream delivers its bytes, the lines, their numbers and the
 * reasons for unreadable lines are the same as reading the text line by line.
 */
class JsonLinesSplitTest {

    /** Delivers at most {@code step} bytes per read, whatever the caller asks for. */
    private static final class Trickle extends FilterInputStream {
        private final int step;

        Trickle(InputStream in, int step) {
            super(in);
            this.step = step;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, step));
        }
    }

    private static List<String> read(byte[] bytes, int maxLine, int step) {
        List<String> seen = new ArrayList<>();
        new JsonLines(maxLine).read(new Trickle(new ByteArrayInputStream(bytes), step), new JsonLines.LineHandler() {
            @Override
            public void line(long lineNumber, String text) {
                seen.add(lineNumber + ":" + text);
            }

            @Override
            public void unreadable(long lineNumber, String reason) {
                seen.add(lineNumber + "!" + reason);
            }
        });
        return seen;
    }

    /** What reading line by line gives: the expectation. */
    private static List<String> expected(List<String> lines, int maxLine) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int bytes = line.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxLine) {
                out.add((i + 1) + "!line longer than " + maxLine + " bytes; skipped");
                continue;
            }
            String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (!text.isBlank()) {
                out.add((i + 1) + ":" + text);
            }
        }
        return out;
    }

    @Property(tries = 300)
    void linesAreTheSameWhateverTheReadBoundaries(@ForAll List<@StringLength(max = 40) String> raw,
                                                   @ForAll @IntRange(min = 1, max = 70) int step,
                                                   @ForAll @IntRange(min = 1, max = 30) int maxLine) {
        List<String> lines = raw.stream().map(s -> s.replace("\n", "").replace("\u0000", "")).map(s -> s.replaceAll("[^\\x20-\\x7e]", "é"))
                .toList();
        String text = String.join("\n", lines);
        List<String> got = read(text.getBytes(StandardCharsets.UTF_8), maxLine, step);
        assertThat(got).isEqualTo(expected(lines.isEmpty() ? List.of("") : lines, maxLine));
    }

    @Test
    void aLineLongerThanTheReadBufferIsWholeAndTheNextLineKeepsItsNumber() {
        String longLine = "x".repeat(200_000);
        byte[] bytes = (longLine + "\r\nnext\n").getBytes(StandardCharsets.UTF_8);
        assertThat(read(bytes, 1 << 20, 1 << 16)).containsExactly("1:" + longLine, "2:next");
    }

    @Test
    void invalidUtf8InALineSplitAcrossReadsIsReported() {
        byte[] bytes = {'o', 'k', '\n', 'a', (byte) 0xC3, (byte) 0x28, 'b', '\n', 'c', (byte) 0xC3, (byte) 0xA9, '\n'};
        assertThat(read(bytes, 100, 2)).containsExactly("1:ok", "2!not valid UTF-8", "3:cé");
    }
}
