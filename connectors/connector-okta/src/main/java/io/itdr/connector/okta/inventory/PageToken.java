package io.itdr.connector.okta.inventory;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Where a listing of the inventory stands: which Okta list (service apps, then API tokens, then
 * service users), Okta's {@code after} cursor in it (from the {@code Link: <…after=…>; rel="next"}
 * header; null at the list's start), and how many items of the page at that cursor were already
 * taken. The count is only non-zero when Okta answered with more items than were asked for (it
 * does not have to honour {@code limit}), so a page can end inside an Okta page. Encoded as an
 * opaque, URL-safe token so that a host can persist it and resume after a failure. Immutable.
 *
 * @param listing the list being read; never null
 * @param after   Okta's cursor for the next call, or null to start the list
 * @param skip    items of the page at {@code after} already listed; not negative
 */
record PageToken(Listing listing, String after, int skip) {
    private static final String VERSION = "v1";

    /** The Okta lists the inventory reads, in order. */
    enum Listing {
        SERVICE_APPS, API_TOKENS, SERVICE_USERS
    }

    static final PageToken START = new PageToken(Listing.SERVICE_APPS, null, 0);

    PageToken {
        Objects.requireNonNull(listing, "listing");
        if (skip < 0) {
            throw new IllegalArgumentException("skip must not be negative: " + skip);
        }
    }

    /** The position for {@code token}, {@link #START} for null. */
    static PageToken decode(String token) {
        if (token == null) {
            return START;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = text.split("\n", 4);
            if (parts.length == 4 && parts[0].equals(VERSION)) {
                return new PageToken(Listing.valueOf(parts[1]), parts[3].isEmpty() ? null : parts[3], Integer.parseInt(parts[2]));
            }
        } catch (IllegalArgumentException malformed) {
            // reported below (NumberFormatException is one too)
        }
        String shown = token.length() > 40 ? token.substring(0, 40) + "…" : token;
        throw new ConnectorException(ErrorCode.CURSOR_INVALID, "inventory page token '" + shown
                + "' was not made by this connector's inventory (list from the start with a null token)");
    }

    String encode() {
        String text = VERSION + "\n" + listing + "\n" + skip + "\n" + (after == null ? "" : after);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The same Okta page, {@code taken} items into it. */
    PageToken within(int taken) {
        return new PageToken(listing, after, taken);
    }

    /** The same list, at Okta's next cursor. */
    PageToken at(String nextAfter) {
        return new PageToken(listing, Objects.requireNonNull(nextAfter, "nextAfter"), 0);
    }

    /** The start of the following list, or null after the last. */
    PageToken nextList() {
        return listing.ordinal() + 1 < Listing.values().length ? new PageToken(Listing.values()[listing.ordinal() + 1], null, 0) : null;
    }
}
