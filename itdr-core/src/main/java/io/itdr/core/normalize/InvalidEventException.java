package io.itdr.core.normalize;

/** A record that is not a valid normalized event; the message names the field and the problem. */
public final class InvalidEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
