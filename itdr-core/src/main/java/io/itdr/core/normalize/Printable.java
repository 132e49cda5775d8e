package io.itdr.core.normalize;

/**
 * Makes untrusted text safe to print in a report or log line: control characters (CR, LF, ESC,
 * ...) and other invisible formatting characters are escaped as {@code \\uXXXX}, so input can
 * never forge a line or a terminal sequence.
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
