package io.itdr.core.state;

/** The state store could not be read or written. */
public final class StateStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
