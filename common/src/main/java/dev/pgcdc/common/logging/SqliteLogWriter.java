package dev.pgcdc.common.logging;

import dev.pgcdc.common.config.LoggingConfig;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Writes log lines to the SQLite log from one background thread: callers put lines on a bounded
 * queue and never wait; the thread drains it in batches, one transaction per batch, and prunes
 * rows older than the retention.
 *
 * <p>When the queue is full the <em>oldest</em> waiting line is dropped and counted: the queue
 * only fills when the database is stalled or unavailable, and then the latest lines (the state
 * just before a stop, the fatal error) are the ones worth keeping, and the tail is what the
 * {@code logs} command shows. The count is written as a row of its own once writing works
 * again; the console has every line regardless.
 *
 * <p>When the database cannot be opened or written, the thread logs one warning (through SLF4J,
 * so it reaches the console), keeps lines queued, and tries again every retry interval; the
 * daemon never notices beyond that warning.
 */
final class SqliteLogWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteLogWriter.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Tuning of the writer; {@link #of(LoggingConfig)} gives the daemons' values.
     *
     * @param pollInterval longest real-time wait of the writer thread, so it notices a stop, a
     *     due retry or a due prune without a new line arriving
     */
    record Settings(
            Path path,
            Duration retention,
            int queueCapacity,
            int batchSize,
            Duration retryInterval,
            Duration pruneInterval,
            Duration pollInterval) {

        static Settings of(LoggingConfig config) {
            return new Settings(config.sqlitePath(), config.retention(), 10_000, 500, Duration.ofSeconds(30),
                    Duration.ofMinutes(10), Duration.ofMillis(200));
        }
    }

    private final Settings settings;
    private final String component;
    private final Clock clock;
    private final BlockingQueue<LogRecord> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedUnreported = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean stopping;

    // Owned by the writer thread.
    private Connection connection;
    private PreparedStatement insert;
    private long nextOpenAttempt;
    private long nextPrune;
    private boolean unavailable;
    private List<LogRecord> failedBatch = List.of();

    /**
     * @param component written as the component of the writer's own rows (the drop count)
     * @param clock decides when a retry or a prune is due and how old a row must be to go
     */
    SqliteLogWriter(Settings settings, String component, Clock clock) {
        this.settings = settings;
        this.component = component;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.thread = new Thread(this::run, "sqlite-log-writer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a line; any thread; never blocks. After {@link #close()} the line is dropped. */
    void offer(LogRecord record) {
        if (closed.get()) {
            return;
        }
        while (!queue.offer(record)) {
            if (queue.poll() != null) {
                dropped.incrementAndGet();
                droppedUnreported.incrementAndGet();
            }
        }
    }

    /** Lines dropped so far because the queue was full (or a batch failed twice). */
    long droppedLines() {
        return dropped.get();
    }

    /**
     * Writes what is queued (when the database is available), then closes it. Waits at most a
     * few seconds; a writer stuck on a stalled disk is abandoned (it is a daemon thread).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
            if (thread.isAlive()) {
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!stopping) {
                try {
                    step();
                } catch (RuntimeException e) {
                    // Whatever went wrong, the thread must live on: a dead writer would end the
                    // SQLite log silently.
                    failed(e);
                }
            }
            drainAtStop();
        } catch (InterruptedException e) {
            // close() gave up waiting; whatever is queued stays unwritten (the console has it).
            Thread.currentThread().interrupt();
        } finally {
            closeConnection();
        }
    }

    private void step() throws InterruptedException {
        openIfDue();
        if (connection == null) {
            // Lines stay queued (the oldest dropped when it is full) until the database works.
            Thread.sleep(settings.pollInterval().toMillis());
            return;
        }
        LogRecord first = queue.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (first != null) {
            List<LogRecord> batch = new ArrayList<>(settings.batchSize());
            batch.add(first);
            queue.drainTo(batch, settings.batchSize() - 1);
            write(batch, false);
        }
        pruneIfDue();
    }

    private void drainAtStop() {
        if (connection == null) {
            openIfDue();
        }
        List<LogRecord> batch = new ArrayList<>(settings.batchSize());
        while (connection != null && queue.drainTo(batch, settings.batchSize()) > 0) {
            write(batch, false);
            batch.clear();
        }
    }

    private void openIfDue() {
        if (connection != null || clock.millis() < nextOpenAttempt) {
            return;
        }
        try {
            open();
        } catch (IOException | SQLException | RuntimeException e) {
            failed(e);
            return;
        }
        if (unavailable) {
            unavailable = false;
            LOG.info("The SQLite log at {} is writable again; {} log lines were dropped in all so far",
                    settings.path().toAbsolutePath(), dropped.get());
        }
        if (!failedBatch.isEmpty()) {
            List<LogRecord> retry = failedBatch;
            failedBatch = List.of();
            write(retry, true);
        }
    }

    private void open() throws IOException, SQLException {
        Path path = settings.path().toAbsolutePath();
        if (path.getParent() != null) {
            try {
                Files.createDirectories(path.getParent());
            } catch (FileAlreadyExistsException e) {
                throw new IOException("a file is in the way of the directory " + e.getFile(), e);
            }
        }
        if (Files.isDirectory(path)) {
            throw new IOException(path + " is a directory");
        }
        SQLiteConfig config = new SQLiteConfig();
        // Both daemons may share one file; wait for the other's transaction rather than fail.
        config.setBusyTimeout(5_000);
        connection = config.createConnection("jdbc:sqlite:" + path);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            // In WAL mode NORMAL loses at most the last transactions on power loss, never the database.
            statement.execute("PRAGMA synchronous=NORMAL");
            statement.execute(LogTable.CREATE);
            statement.execute(LogTable.CREATE_INDEX);
        }
        connection.setAutoCommit(false);
        insert = connection.prepareStatement(LogTable.INSERT);
    }

    /** @param secondTry the batch failed once already; if it fails again it is dropped */
    private void write(List<LogRecord> batch, boolean secondTry) {
        long droppedBefore = droppedUnreported.getAndSet(0);
        try {
            if (droppedBefore > 0) {
                LogTable.bind(insert, dropReport(droppedBefore));
                insert.addBatch();
            }
            for (LogRecord record : batch) {
                LogTable.bind(insert, record);
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            droppedUnreported.addAndGet(droppedBefore);
            rollbackQuietly();
            if (!secondTry) {
                // Kept for one retry after reopening; a batch that fails twice is dropped, so a
                // line SQLite rejects cannot block the log for good.
                failedBatch = List.copyOf(batch);
            } else {
                dropped.addAndGet(batch.size());
                droppedUnreported.addAndGet(batch.size());
            }
            failed(e);
        }
    }

    private LogRecord dropReport(long count) {
        return new LogRecord(clock.millis(), "WARN", SqliteLogWriter.class.getName(), Thread.currentThread().getName(),
                count + " log lines were dropped before this one because the SQLite log queue was full; the console has them",
                null, component, null, null);
    }

    private void pruneIfDue() {
        long now = clock.millis();
        if (connection == null || now < nextPrune) {
            return;
        }
        nextPrune = now + settings.pruneInterval().toMillis();
        try (PreparedStatement delete = connection.prepareStatement(LogTable.DELETE_BEFORE)) {
            delete.setLong(1, now - settings.retention().toMillis());
            delete.executeUpdate();
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            failed(e);
        }
    }

    /** Closes the connection, schedules the next attempt, and warns once per outage. */
    private void failed(Exception e) {
        closeConnection();
        nextOpenAttempt = clock.millis() + settings.retryInterval().toMillis();
        if (!unavailable) {
            unavailable = true;
            LOG.warn("Cannot write the SQLite log at {} ({}); log lines go to the console only until it works again;"
                    + " retrying every {} s", settings.path().toAbsolutePath(), describe(e),
                    settings.retryInterval().toSeconds());
        }
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private void rollbackQuietly() {
        try {
            if (connection != null) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // The connection is closed next anyway.
        }
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // Nothing left to do with a connection that cannot even close.
        } finally {
            connection = null;
            insert = null;
        }
    }
}
