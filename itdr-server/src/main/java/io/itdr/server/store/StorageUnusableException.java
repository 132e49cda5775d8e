package io.itdr.server.store;

/** The database cannot be used (see {@link StorageCheck}): the server does not start. */
public class StorageUnusableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageUnusableException(String message) {
        super(message);
    }

    public StorageUnusableException(String message, Throwable cause) {
        super(message, cause);
    }
}
