package io.itdr.server.cli;

/** Exit codes of {@code itdr}, as documented in its help. */
public final class ExitCode {
    public static final int OK = 0;
    /** Internal error (a bug): the message says what failed. */
    public static final int SOFTWARE = 1;
    /** Wrong options or arguments. */
    public static final int USAGE = 2;
    /** A policy or catalog is invalid (the errors name file and line), or a ledger chain is broken. */
    public static final int INVALID = 3;
    /** An input file cannot be read (or an output file, such as a ledger, cannot be written). */
    public static final int UNREADABLE = 4;

    private ExitCode() {
    }
}
