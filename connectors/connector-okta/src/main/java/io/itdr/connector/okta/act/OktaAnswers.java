package io.itdr.connector.okta.act;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.time.OffsetDateTime;

/** Reading what Okta answered, for the Okta actions. Stateless. */
final class OktaAnswers {
    private OktaAnswers() {
    }

    /** A status Okta answered with, or a MALFORMED_RESPONSE naming what lacked one. */
    static String status(Object status, String what) {
        if (status == null) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "Okta answered without a status for " + what);
        }
        return status.toString();
    }

    /** "2024-01-10" from an Okta timestamp, for summaries; the text as given when it is not one. */
    static String day(Object timestamp) {
        if (timestamp == null) {
            return "unknown";
        }
        String text = timestamp.toString();
        try {
            return OffsetDateTime.parse(text).toLocalDate().toString();
        } catch (java.time.format.DateTimeParseException e) {
            return text;
        }
    }
}
