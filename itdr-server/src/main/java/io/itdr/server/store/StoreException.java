package io.itdr.server.store;

import org.springframework.dao.DataAccessException;

/**
 * The database could not be read or written, or held a row the server cannot read. A Spring
 * {@link DataAccessException}, so the API answers it as storage trouble (503) without naming this type.
 */
public class StoreException extends DataAccessException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
