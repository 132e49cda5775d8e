package io.itdr.connector.aws.inventory;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Where a listing of the inventory stands: which IAM list (users, then roles) and IAM's marker
 * within it (null at the list's start). Encoded as an opaque, URL-safe token so that a host can
 * persist it and resume after a failure. Immutable.
 *
 * @param listing the list being read; never null
 * @param marker  IAM's Marker for the next call, or null to start the list
 */
record PageToken(Listing listing, String marker) {
    private static final String VERSION = "v1";

    /** The IAM lists the inventory reads, in order. */
    enum Listing {
        USERS, ROLES
    }

    static final PageToken START = new PageToken(Listing.USERS, null);

    PageToken {
        Objects.requireNonNull(listing, "listing");
    }

    /** The position for {@code token}, {@link #START} for null. */
    static PageToken decode(String token) {
        if (token == null) {
            return START;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = text.split("\n", 3);
            if (parts.length == 3 && parts[0].equals(VERSION)) {
                return new PageToken(Listing.valueOf(parts[1]), parts[2].isEmpty() ? null : parts[2]);
            }
        } catch (IllegalArgumentException malformed) {
            // reported below
        }
        String shown = token.length() > 40 ? token.substring(0, 40) + "…" : token;
        throw new ConnectorException(ErrorCode.CURSOR_INVALID, "inventory page token '" + shown
                + "' was not made by this connector's inventory (list from the start with a null token)");
    }

    String encode() {
        String text = VERSION + "\n" + listing + "\n" + (marker == null ? "" : marker);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The same list, further on. */
    PageToken at(String nextMarker) {
        return new PageToken(listing, Objects.requireNonNull(nextMarker, "nextMarker"));
    }

    /** The start of the following list, or null after the last. */
    PageToken nextList() {
        return listing == Listing.USERS ? new PageToken(Listing.ROLES, null) : null;
    }
}
