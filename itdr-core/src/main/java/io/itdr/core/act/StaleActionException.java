package io.itdr.core.act;

/** Another writer changed an action between reading and updating it; read it again and decide anew. */
public class StaleActionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StaleActionException(String message) {
        super(message);
    }
}
