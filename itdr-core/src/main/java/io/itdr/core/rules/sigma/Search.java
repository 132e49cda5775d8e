package io.itdr.core.rules.sigma;

/** A compiled part of a rule's detection (a search identifier, or a condition over them): does the record match? */
@FunctionalInterface
interface Search {
    boolean matches(RecordView record);
}
