package io.itdr.generate;

import io.itdr.fixture.aws.CloudTrailRecords;
import io.itdr.fixture.okta.OktaLogEvents;
import io.itdr.fixture.record.RawRecord;
import io.itdr.spi.event.IdentityEvent;
import java.util.Objects;
import java.util.Optional;

/**
 * Renders generated events as the platforms' own records, so that the real connectors' normalizers
 * read the estate back: AWS events as CloudTrail records (and a platform finding as a GuardDuty
 * finding), Okta events as System Log LogEvents. What a platform's record cannot say (ASN and
 * location in CloudTrail, a service app's client secret in the System Log, workloads in both) is
 * left out, as the platform would; an event whose essence its platform's record cannot carry (an
 * identity kind, a category or an outcome the rendering does not know) is not rendered, and stays in
 * the normalized format. See {@link RawEstateWriter} for what differs on replay, and why.
 *
 * <p>Deterministic: the same event always gives the same bytes. Stateless and thread-safe.
 */
public final class PlatformRecords {
    private PlatformRecords() {
    }

    /**
     * The platform's record of {@code event}.
     *
     * @param event never null
     * @return empty when the event's platform has no rendering here or its record cannot carry the event
     */
    public static Optional<RawRecord> render(IdentityEvent event) {
        Objects.requireNonNull(event, "event");
        return switch (event.platform()) {
            case "aws" -> CloudTrailRecords.render(event);
            case "okta" -> OktaLogEvents.render(event);
            default -> Optional.empty();
        };
    }
}
