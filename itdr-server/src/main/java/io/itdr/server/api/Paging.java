package io.itdr.server.api;

import java.util.List;

/**
 * The {@code limit} and {@code offset} of a list request: limit 1 to {@value #MAX_LIMIT}
 * (default {@value #DEFAULT_LIMIT}), offset from 0. Immutable.
 */
public record Paging(int limit, long offset) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** @throws ApiProblem 400 naming {@code limit} or {@code offset} when out of range */
    public static Paging of(int limit, long offset) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiProblem.badInput("limit", "must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
        if (offset < 0) {
            throw ApiProblem.badInput("offset", "must not be negative, not " + offset);
        }
        return new Paging(limit, offset);
    }

    /** One page of a list; {@code nextOffset} is null when this page is the last. */
    public record Page<T>(List<T> items, int limit, long offset, Long nextOffset) {
        public Page {
            items = List.copyOf(items);
        }
    }

    public <T> Page<T> page(List<T> items) {
        return new Page<>(items, limit, offset, items.size() < limit ? null : offset + items.size());
    }
}
