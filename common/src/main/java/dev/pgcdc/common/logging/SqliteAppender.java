package dev.pgcdc.common.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.Map;

/**
 * Logback appender that hands every event to a {@link SqliteLogWriter}. It reads the message,
 * the stack trace and the MDC keys {@code component}, {@code table} and {@code lsn} on the
 * logging thread (the MDC is per thread) and never blocks it.
 */
final class SqliteAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final SqliteLogWriter writer;
    private final String defaultComponent;

    /** @param defaultComponent the component of lines whose thread has no MDC {@code component} */
    SqliteAppender(SqliteLogWriter writer, String defaultComponent) {
        this.writer = writer;
        this.defaultComponent = defaultComponent;
        setName("sqlite");
    }

    @Override
    public void start() {
        // Started first: the writer thread may log its "cannot write" warning at once, and
        // logback drops events that reach an appender not yet started.
        super.start();
        writer.start();
    }

    @Override
    public void stop() {
        super.stop();
        writer.close();
    }

    @Override
    protected void append(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String component = mdc.get(Logging.MDC_COMPONENT);
        IThrowableProxy throwable = event.getThrowableProxy();
        writer.offer(new LogRecord(
                event.getTimeStamp(),
                event.getLevel().toString(),
                event.getLoggerName(),
                event.getThreadName(),
                event.getFormattedMessage(),
                throwable == null ? null : ThrowableProxyUtil.asString(throwable),
                component == null ? defaultComponent : component,
                mdc.get(Logging.MDC_TABLE),
                mdc.get(Logging.MDC_LSN)));
    }
}
