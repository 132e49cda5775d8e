package io.itdr.core.detect;

import java.nio.charset.StandardCharsets;

/**
 * Event ids as detector state keeps them, to cite them later as evidence: the id's bytes when
 * every char is Latin-1 (the ids of every platform: UUIDs, CloudTrail and Okta ids, GCP insert
 * ids), else the id's {@code String}. A kept id is the bytes without the {@code String} around
 * them (24 bytes less per id); its text, made when a finding cites it, is the same id exactly.
 * {@link Observation#keptEventId()} makes one per event, shared by every detector that keeps it.
 */
final class EventIds {
    private EventIds() {
    }

    /** {@code id} as kept; null for null. */
    static Object kept(String id) {
        if (id == null) {
            return null;
        }
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) > 0xFF) {
                return id;
            }
        }
        return id.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The id a kept one stands for; null for null. */
    static String text(Object kept) {
        if (kept == null || kept instanceof String) {
            return (String) kept;
        }
        return new String((byte[]) kept, StandardCharsets.ISO_8859_1);
    }
}
