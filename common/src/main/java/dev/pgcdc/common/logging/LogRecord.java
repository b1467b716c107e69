package dev.pgcdc.common.logging;

/**
 * One log line as the SQLite log stores it. Built on the logging thread, so it holds the
 * formatted message and the MDC values of that moment.
 *
 * @param epochMillis when the line was logged, milliseconds since the epoch (UTC)
 * @param level TRACE, DEBUG, INFO, WARN or ERROR
 * @param exception the stack trace text, or null
 * @param component MDC {@code component}, or the daemon's name when the thread has none; may be null
 * @param table MDC {@code table}, or null
 * @param lsn MDC {@code lsn}, or null
 */
record LogRecord(
        long epochMillis,
        String level,
        String logger,
        String thread,
        String message,
        String exception,
        String component,
        String table,
        String lsn) {
}
