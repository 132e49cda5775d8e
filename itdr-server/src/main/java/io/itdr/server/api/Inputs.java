package io.itdr.server.api;

/** Checks of request fields shared by the controllers; each failure is a 400 naming the field. Stateless. */
final class Inputs {
    static final int MAX_REASON = 2000;

    private Inputs() {
    }

    /** A required, non-blank reason of at most {@value #MAX_REASON} characters, stripped. */
    static String reason(String reason) {
        return text("reason", reason, MAX_REASON);
    }

    static String text(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw ApiProblem.badInput(field, "is required and must not be blank");
        }
        String stripped = value.strip();
        if (stripped.length() > max) {
            throw ApiProblem.badInput(field, "must be at most " + max + " characters, not " + stripped.length());
        }
        return stripped;
    }
}
