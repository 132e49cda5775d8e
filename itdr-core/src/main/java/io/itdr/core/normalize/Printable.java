package io.itdr.core.normalize;

/**
 * Makes untrusted text safe to print in a report or log line: control characters (CR, LF, ESC,
 * the other C0 and C1 controls), line and paragraph separators (U+2028, U+2029) and other
 * invisible formatting characters are escaped as {@code \\uXXXX}, so input can never forge a line
 * or a terminal sequence. Every log statement that can carry platform or request text (a
 * connector's error message, a user or token name, an event, decision or action id) passes that
 * text through {@link #escape(Object)}.
 */
public final class Printable {
    private Printable() {
    }

    /** The text with control and format characters escaped; "null" for null. */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            boolean unsafe = Character.isISOControl(c) || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.SURROGATE && !validSurrogateAt(text, i);
            if (unsafe) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** {@link #escape(String)} of the value's {@code toString()} (for log arguments); "null" for null. */
    public static String escape(Object value) {
        return escape(value == null ? null : value.toString());
    }

    /** Escaped and cut to at most {@code max} characters (with an ellipsis when cut). */
    public static String clip(String text, int max) {
        String safe = escape(text);
        return safe.length() <= max ? safe : safe.substring(0, max) + "…";
    }

    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
