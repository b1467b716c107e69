package dev.pgcdc.common.config;

/** Which daemon loads the configuration; it decides which sections are required. */
public enum Daemon {
    /** Needs {@code postgres} and {@code kafka}. */
    REPLICATOR,
    /** Needs {@code kafka} and {@code elasticsearch}. */
    SINK,
    /** Tools that read whatever is present (e.g. {@code logs}). */
    ANY
}
