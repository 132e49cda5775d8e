package io.itdr.connector.tck;

/**
 * Which of the kit's checks a connector's test runs ({@link ConnectorTck#scope()}). A connector
 * that signs in more than one way runs the full kit once, in its main sign-in mode, and the checks
 * whose outcome depends on the sign-in in each other mode.
 */
public enum KitScope {
    /** Every check. */
    FULL,
    /**
     * The checks that depend on how the connector signs in: the connector is created
     * ({@code factoryDescribesItself}); the mode's secrets are declared and never leak, also with
     * refused credentials on every read path ({@code configurationSchemaIsCompleteAndFlagsSecrets},
     * {@code secretsStayOutOfToStringAndErrors}); health passes and reports refused credentials;
     * signed-in reads and writes work on every path (telemetry paged from a cursor, inventory listed,
     * every declared action executed twice with one effect); and every {@link Fault.Kind} on the first
     * read path ({@code platformFaultsSurfaceAsRetriableOrTerminal}), where a fresh connector signs in
     * first (a sandbox that answers its sign-in calls with the fault too checks their mapping). The
     * rest (discovery, declaration, malformed records, pushed and exported payloads, plan, verify,
     * revert, drift, the approve path, faults on mutating calls and on the other read paths) does
     * not depend on the sign-in and runs in the main mode.
     */
    SIGN_IN
}
