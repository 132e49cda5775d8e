package io.itdr.connector.tck.memory;

/** A deliberate bug the memory connector can be configured with, to prove the kit catches it. */
enum Defect {
    NONE,
    EXECUTE_NOT_IDEMPOTENT,
    REVERT_IGNORES_DRIFT,
    SECRET_IN_TO_STRING,
    SECRET_IN_LOG,
    PLAN_MUTATES,
    CURSOR_SKIPS_A_RECORD,
    THROTTLING_AS_TERMINAL,
    IRREVERSIBLE_CLAIMED_REVERSIBLE,
    NONSTANDARD_REFUSAL,
    /** The plan carries the time it was made, so re-planning before execution never gives the approved plan. */
    PLAN_EMBEDS_TIME,
    /** A write the platform failed is taken for done: execute answers success with nothing changed. */
    FAILED_WRITE_TAKEN_FOR_DONE;

    String configValue() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
