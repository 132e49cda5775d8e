package io.itdr.spi.event;

/** Whether the platform let the activity happen. */
public enum Outcome {
    SUCCESS,
    FAILURE,
    UNKNOWN
}
