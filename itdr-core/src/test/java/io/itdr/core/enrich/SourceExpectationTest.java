package io.itdr.core.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.enrich.SourceExpectation.Verdict;
import io.itdr.core.model.ExpectedSources;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.Source;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceExpectationTest {
    private static final SourceExpectation EXPECTED = SourceExpectation.of(new ExpectedSources(
            List.of("10.20.0.0/16", "2001:db8::/32"), List.of(16509L), List.of("aws-sdk-java"), List.of("us-east-1")));

    @Test
    void matchingNetworkAndAgentIsInside() {
        Source source = new Source("10.20.3.4", null, null, null, "AWS-SDK-Java/2.20 Linux", null);
        assertThat(EXPECTED.check(source, null)).isEqualTo(Verdict.INSIDE);
    }

    @Test
    void asnAloneCanPlaceTheSourceInside() {
        Source source = new Source("52.1.2.3", 16509L, null, null, null, null);
        assertThat(EXPECTED.check(source, null)).isEqualTo(Verdict.INSIDE);
    }

    @Test
    void ipv6InsideTheBlock() {
        assertThat(EXPECTED.check(new Source("2001:db8:1::9", null, null, null, null, null), null)).isEqualTo(Verdict.INSIDE);
    }

    @Test
    void otherNetworkAndAgentIsOutside() {
        Source source = new Source("203.0.113.9", 64500L, null, null, "curl/8.0", null);
        assertThat(EXPECTED.check(source, new Geo("NL", "Noord-Holland", null, null, null))).isEqualTo(Verdict.OUTSIDE);
    }

    @Test
    void rightNetworkWithUnexpectedAgentIsPartial() {
        Source source = new Source("10.20.3.4", null, null, null, "python-requests/2.31", null);
        assertThat(EXPECTED.check(source, null)).isEqualTo(Verdict.PARTIAL);
    }

    @Test
    void regionComparesWithGeoRegionOrCountry() {
        SourceExpectation byCountry = SourceExpectation.of(new ExpectedSources(List.of(), List.of(), List.of(), List.of("de")));
        Source source = new Source("203.0.113.9", null, null, new Geo("DE", null, null, null, null), null, null);
        assertThat(byCountry.check(source, null)).isEqualTo(Verdict.INSIDE);
        assertThat(byCountry.check(source, new Geo("FR", null, null, null, null))).isEqualTo(Verdict.OUTSIDE);
    }

    @Test
    void serviceNameSourceCannotBeJudged() {
        Source source = new Source("ec2.amazonaws.com", null, null, null, null, null);
        assertThat(EXPECTED.check(source, null)).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void nothingStatedIsNotStated() {
        assertThat(SourceExpectation.of(ExpectedSources.NONE).check(Source.UNKNOWN, null)).isEqualTo(Verdict.NOT_STATED);
    }
}
