package io.itdr.connector.aws.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The instant reader's direct path for CloudTrail's own form agrees with {@link Instant#parse}, and leaves every other form to it. */
class RecordFieldsTest {

    private static Instant parsed(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** RecordFields.instant as it was before the direct path. */
    private static Instant reference(String text) {
        if (text == null) {
            return null;
        }
        String compact = text.replaceAll("\\s+", "");
        try {
            return Instant.parse(compact);
        } catch (DateTimeParseException notZulu) {
            try {
                return OffsetDateTime.parse(compact).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(compact, DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT)).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notBasic) {
                    return null;
                }
            }
        }
    }

    @Test
    void theDirectPathReadsWhatInstantParseReadsAndNothingElse() {
        List<String> texts = new ArrayList<>(List.of("2014-03-06T21:22:54Z", "2021-04-22T17:53:27.612Z", "2024-02-29T00:00:00Z",
                "2023-02-29T00:00:00Z", "2100-02-29T12:00:00Z", "2000-02-29T23:59:59.999999999Z", "2024-06-31T00:00:00Z",
                "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-06-01T24:00:00Z", "2024-06-01T23:60:00Z",
                "2016-12-31T23:59:60Z", "2024-06-01T10:00:00.Z", "2024-06-01T10:00:00.1234567890Z", "2024-06-01t10:00:00z",
                "2024-06-01T10:00:00+00:00", "20131102T010628Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.5Z",
                "+12024-06-01T10:00:00Z", "2024-6-01T10:00:00Z", "2024-06-01T10:00:0aZ", "2024-06-01 10:00:00Z", "redacted", "",
                " 2024-06-01T10:00:00Z\n", "2024-06-01T10:00:00\u000bZ", "2024-06-01\u00a0T10:00:00Z"));
        Random random = new Random(18);
        for (int i = 0; i < 20_000; i++) {
            int fraction = random.nextInt(11);
            StringBuilder b = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d", random.nextInt(10_000), random.nextInt(14),
                    random.nextInt(33), random.nextInt(26), random.nextInt(62), random.nextInt(62)));
            if (fraction > 0) {
                b.append('.');
                for (int d = 1; d < fraction; d++) {
                    b.append(random.nextInt(10));
                }
            }
            texts.add(b.append('Z').toString());
        }
        int direct = 0;
        for (String text : texts) {
            Instant fast = RecordFields.isoZulu(text);
            if (fast != null) {
                direct++;
                assertThat(fast).as(text).isEqualTo(parsed(text));
            }
            assertThat(RecordFields.instant(text)).as(text).isEqualTo(reference(text));
        }
        assertThat(direct).isGreaterThan(1_000);
        assertThat(RecordFields.isoZulu("2014-03-06T21:22:54Z")).isEqualTo(Instant.parse("2014-03-06T21:22:54Z"));
        assertThat(RecordFields.isoZulu("2016-12-31T23:59:60Z")).isNull();
    }
}
