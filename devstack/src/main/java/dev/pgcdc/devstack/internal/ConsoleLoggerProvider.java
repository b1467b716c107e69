package dev.pgcdc.devstack.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * A minimal SLF4J provider printing one line per event to stdout, for processes devstack starts (the Kafka
 * broker JVM) and for {@code DevStackMain} when no other provider is on the class path. Not registered as a
 * service, so it never competes with an application's logging: it is chosen only explicitly, with
 * {@code -Dslf4j.provider=dev.pgcdc.devstack.internal.ConsoleLoggerProvider}. The threshold is the
 * {@code pgcdc.log.level} system property (TRACE..ERROR), INFO by default; loggers whose names start with
 * one of the comma-separated prefixes in {@code pgcdc.log.warn} log WARN and above only. Not a public API.
 */
public final class ConsoleLoggerProvider implements SLF4JServiceProvider {

    private final IMarkerFactory markerFactory = new BasicMarkerFactory();
    private final MDCAdapter mdcAdapter = new NOPMDCAdapter();
    private ILoggerFactory loggerFactory;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        Level threshold = Level.valueOf(System.getProperty("pgcdc.log.level", "INFO").toUpperCase(Locale.ROOT));
        List<String> warnOnly = Arrays.stream(System.getProperty("pgcdc.log.warn", "").split(","))
                .map(String::strip).filter(prefix -> !prefix.isEmpty()).toList();
        Map<String, Logger> loggers = new ConcurrentHashMap<>();
        loggerFactory = name -> loggers.computeIfAbsent(name, n -> new ConsoleLogger(n,
                warnOnly.stream().anyMatch(n::startsWith) && threshold.toInt() < Level.WARN.toInt()
                        ? Level.WARN : threshold));
    }

    private static final class ConsoleLogger extends LegacyAbstractLogger {

        private static final long serialVersionUID = 1L;
        private final Level threshold;

        ConsoleLogger(String name, Level threshold) {
            this.name = name;
            this.threshold = threshold;
        }

        private boolean enabled(Level level) {
            // Level ints grow with severity: TRACE 0 ... ERROR 40.
            return level.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable throwable) {
            StringBuilder line = new StringBuilder(160)
                    .append(Instant.now()).append(' ')
                    .append(String.format(Locale.ROOT, "%-5s", level)).append(' ')
                    .append('[').append(Thread.currentThread().getName()).append("] ")
                    .append(name).append(" - ")
                    .append(MessageFormatter.basicArrayFormat(pattern, arguments));
            if (throwable != null) {
                StringWriter trace = new StringWriter();
                throwable.printStackTrace(new PrintWriter(trace));
                line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
            }
            System.out.println(line); // one call per event keeps lines from interleaving
        }
    }
}
