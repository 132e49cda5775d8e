package io.itdr.connector.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The header and body reading every REST connector shares. */
class RestEndpointTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T08:00:00Z"), ZoneOffset.UTC);

    private static HttpHeaders headers(Map<String, List<String>> map) {
        return HttpHeaders.of(map, (k, v) -> true);
    }

    @Test
    void retryAfterWinsOverTheResetTime() {
        HttpHeaders h = headers(Map.of("retry-after", List.of("30"), "x-ratelimit-reset", List.of("1796544000")));
        assertThat(RestEndpoint.wait(h, "x-ratelimit-reset", CLOCK)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theResetTimeBecomesAWaitFromNowAndNeverANegativeOne() {
        long inTwoMinutes = CLOCK.instant().plusSeconds(120).getEpochSecond();
        assertThat(RestEndpoint.wait(headers(Map.of("ratelimit-reset", List.of(Long.toString(inTwoMinutes)))), "ratelimit-reset", CLOCK))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(RestEndpoint.wait(headers(Map.of("ratelimit-reset", List.of("1000"))), "ratelimit-reset", CLOCK)).isEqualTo(Duration.ZERO);
    }

    @Test
    void noUsableHeaderMeansNoWait() {
        assertThat(RestEndpoint.wait(headers(Map.of("retry-after", List.of("Wed, 21 Oct 2015 07:28:00 GMT"))), "x-ratelimit-reset", CLOCK))
                .isNull();
    }

    @Test
    void theErrorMessageIsTheFirstKeyFoundClippedAndWithoutControlCharacters() {
        assertThat(RestEndpoint.errorMessage("{\"error\":\"insufficient_scope\"}", "message", "error")).isEqualTo("insufficient_scope");
        assertThat(RestEndpoint.errorMessage("{\"message\":\"a \\\"quoted\\\" word\u0007\",\"error\":\"x\"}", "message", "error"))
                .isEqualTo("a \"quoted\" word?");
        assertThat(RestEndpoint.errorMessage("{\"message\":\"" + "x".repeat(500) + "\"}", "message")).hasSize(200);
        assertThat(RestEndpoint.errorMessage("<html>502</html>", "message")).isNull();
    }
}
