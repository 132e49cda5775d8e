package io.itdr.spi.action;

/** Whether an action can be undone (DESIGN §4). Irreversible actions always need approval. */
public enum Reversibility {
    /** An exact inverse restores the snapshot (deactivate ↔ activate a key). */
    REVERSIBLE,
    /** Can be undone functionally, not bit-exactly (revoke older sessions, rotate a key). */
    COMPENSABLE,
    /** Cannot be undone (delete a key, revoke refresh tokens). */
    IRREVERSIBLE;

    public boolean canRevert() {
        return this != IRREVERSIBLE;
    }
}
