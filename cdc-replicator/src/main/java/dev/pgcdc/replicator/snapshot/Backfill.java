package dev.pgcdc.replicator.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.config.PostgresConfig;
import dev.pgcdc.common.config.ReplicatorConfig;
import dev.pgcdc.common.config.TableConfig;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.event.SnapshotMarker;
import dev.pgcdc.common.event.Source;
import dev.pgcdc.replicator.event.ColumnTypes;
import dev.pgcdc.replicator.pg.Connections;
import dev.pgcdc.replicator.pg.PgErrors;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On-demand re-read of one table while streaming continues, without locks: the watermark algorithm
 * of DBLog (Andreas Andreakis, Ioannis Papapanagiotou, "DBLog: A Watermark Based Change-Data-Capture
 * Framework", 2020), with transactional logical decoding messages as watermarks.
 *
 * <p>Per chunk of {@code backfill_chunk_size} rows (keyset pagination on the primary key):
 * <ol>
 *   <li>commit a low watermark ({@code pg_logical_emit_message(true, 'pgcdc_watermark', …)});</li>
 *   <li>wait until every transaction that was running when the low watermark committed has ended
 *       (PostgreSQL makes a commit visible a moment after writing its commit record, and with
 *       synchronous replication much later: without this wait, a transaction whose commit record
 *       precedes the low watermark could still be invisible to the select);</li>
 *   <li>select the chunk (READ COMMITTED: a snapshot taken now) and hold it in memory;</li>
 *   <li>commit a high watermark.</li>
 * </ol>
 * The stream thread meanwhile collects the keys of the table's streamed changes committed between
 * the two watermarks ({@link WatermarkWindow}) and, on reaching the high watermark, sends the chunk
 * rows whose keys were not changed, as {@code op: r} with {@code source.snapshot = incremental}.
 *
 * <p><b>Version of a backfill row.</b> {@code commit_lsn} = the commit LSN of the high watermark's
 * transaction and {@code sequence} = the row's position in the chunk. Every change already sent for
 * that row committed before the high watermark (lower commit LSN); every later change commits after
 * it (higher commit LSN). The high watermark's transaction holds nothing but the message, so no
 * streamed event shares its commit LSN. So a backfill row never overwrites a newer streamed change,
 * and is overwritten by every later one. The rows are sent inside the high watermark's
 * transaction, so the position moves past it only after Kafka acknowledged them.
 *
 * <p><b>No snapshot markers.</b> Unlike {@link InitialSnapshot}, a backfill sends no
 * {@code snapshot_started}/{@code snapshot_completed}, so consumers delete nothing when it ends: it
 * runs while the slot streams, so every delete reaches them as a delete, and rows deleted while no
 * slot captured changes are what a full snapshot ({@code when_needed}, {@code always}) is for. A
 * completion cut would have to sit below every backfill row's version and above no streamed change
 * it must keep; its chunks carry different versions (their high watermarks) while streaming goes on,
 * and a chunk row skipped because streaming changed it in its window is not rewritten at all, so a
 * cut at the wrong point would delete live rows the stream wrote. Not worth that risk for nothing.
 *
 * <p>Requests come as transactional messages with prefix {@code pgcdc_signal} (written by
 * {@code cdc-replicator snapshot --table}); messages name the slot, so a replicator ignores those of
 * others. Needs PostgreSQL 14 or later (pgoutput's {@code messages} option). A table without a
 * primary key cannot be paginated and is refused. Progress is not persisted: a backfill
 * interrupted by a restart is not continued (request it again); one whose request had not been
 * confirmed yet starts again from its beginning.
 *
 * <p>Not thread-safe: every method runs on the stream thread.
 */
public final class Backfill implements AutoCloseable {

    public static final String SIGNAL_PREFIX = "pgcdc_signal";
    public static final String WATERMARK_PREFIX = "pgcdc_watermark";
    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
    private static final JsonNodeFactory NODES = ChangeEventCodec.MAPPER.getNodeFactory();
    private static final long VISIBILITY_WAIT_MILLIS = 30_000;

    private final Connections connections;
    private final PostgresConfig pg;
    private final ReplicatorConfig settings;
    private final ColumnTypes columnTypes;
    private final String version;
    private final Clock clock;
    private final Deque<TableId> requests = new ArrayDeque<>();
    private Connection connection;

    private TableShape shape;
    private List<String> lastKey;
    private String watermarkId;
    private boolean windowOpen;
    private WatermarkWindow window;
    private boolean lastChunk;
    private long rows;
    private long startedNanos;
    private long lastLogNanos;

    public Backfill(Connections connections, PostgresConfig pg, ReplicatorConfig settings, ColumnTypes columnTypes,
            String version, Clock clock) {
        this.connections = connections;
        this.pg = pg;
        this.settings = settings;
        this.columnTypes = columnTypes;
        this.version = version;
        this.clock = clock;
    }

    /** The signal message's content for a request to re-read {@code table} through {@code slot}. */
    public static String signal(String slot, TableId table) {
        ObjectNode node = NODES.objectNode();
        node.put("slot", slot);
        node.put("snapshot", table.toString());
        node.put("schema", table.schema());
        node.put("table", table.table());
        return node.toString();
    }

    /**
     * A transactional logical message of a transaction that is not skipped; returns the backfill
     * rows to send now (at a high watermark), each already carrying its version.
     *
     * @param commitLsn the commit LSN of the message's transaction
     */
    public List<ChangeEvent> message(String prefix, byte[] content, Lsn commitLsn, long lsn) {
        String text = new String(content, StandardCharsets.UTF_8);
        if (SIGNAL_PREFIX.equals(prefix)) {
            request(text);
        } else if (WATERMARK_PREFIX.equals(prefix) && watermarkId != null) {
            if (text.equals(pg.slotName() + ":" + watermarkId + ":low")) {
                windowOpen = true;
            } else if (text.equals(pg.slotName() + ":" + watermarkId + ":high")) {
                return high(commitLsn, lsn);
            }
        }
        return List.of();
    }

    /** A streamed change: keys of the backfilled table changed inside the window spoil their chunk rows. */
    public void changed(ChangeEvent event) {
        if (!windowOpen || !event.source().schema().equals(shape.id().schema())
                || !event.source().table().equals(shape.id().table()) || event.op() == Op.READ) {
            return;
        }
        if (event.op() == Op.TRUNCATE) {
            window.truncated();
        } else {
            window.changed(event.key());
        }
    }

    /** Whether a chunk is selected and waits for its watermarks in the stream. */
    public boolean waiting() {
        return watermarkId != null;
    }

    /**
     * Between transactions: when a backfill is due and no chunk is in flight, writes the low
     * watermark, selects the next chunk and writes the high watermark. Blocks for one chunk select.
     */
    public void step() {
        if (watermarkId != null) {
            return;
        }
        if (shape == null) {
            TableId next = requests.poll();
            if (next == null) {
                return;
            }
            start(next);
            if (shape == null) {
                return;
            }
        }
        try {
            selectChunk();
        } catch (SQLException e) {
            closeConnection();
            throw PgErrors.classify("selecting a backfill chunk of " + shape.id(), e);
        }
    }

    private void request(String text) {
        try {
            JsonNode node = ChangeEventCodec.MAPPER.readTree(text);
            if (!pg.slotName().equals(node.path("slot").asText())) {
                return;
            }
            TableId table = new TableId(node.path("schema").asText(), node.path("table").asText());
            if (pg.tables().stream().noneMatch(config -> config.id().equals(table))) {
                LOG.warn("backfill of {} requested, but it is not in postgres.tables; ignored", table);
                return;
            }
            if (requests.contains(table) || (shape != null && shape.id().equals(table))) {
                LOG.info("backfill of {} requested again while one is pending; ignored", table);
                return;
            }
            requests.add(table);
            LOG.info("backfill of {} requested", table);
        } catch (java.io.IOException e) {
            LOG.warn("ignoring a malformed {} message: {}", SIGNAL_PREFIX, text);
        }
    }

    private void start(TableId table) {
        TableConfig config = pg.tables().stream().filter(c -> c.id().equals(table)).findFirst().orElseThrow();
        try {
            TableShape read = TableShape.read(connection(), config, columnTypes);
            if (read.chunkKey().isEmpty()) {
                LOG.warn("backfill of {} refused: it has no primary key to paginate by", table);
                return;
            }
            shape = read;
            lastKey = null;
            rows = 0;
            startedNanos = System.nanoTime();
            lastLogNanos = startedNanos;
            LOG.info("backfill of {} starting (~{} rows, chunks of {})", table, read.estimatedRows(),
                    settings.backfillChunkSize());
        } catch (SQLException e) {
            closeConnection();
            throw PgErrors.classify("reading the shape of " + table + " for a backfill", e);
        }
    }

    private void selectChunk() throws SQLException {
        Connection c = connection();
        String id = UUID.randomUUID().toString();
        emit(c, WATERMARK_PREFIX, pg.slotName() + ":" + id + ":low");
        awaitRunningTransactions(c);
        Chunk chunk = new Chunk(shape.id(), 0, lastKey, null);
        String sql = "SELECT " + shape.selectList() + " FROM " + shape.id().quoted() + " WHERE "
                + chunk.condition(shape.chunkKeyList(), shape.chunkKeyTypes()) + " ORDER BY " + shape.chunkKeyList()
                + " LIMIT " + settings.backfillChunkSize();
        List<ObjectNode> selected = new ArrayList<>();
        List<ObjectNode> keys = new ArrayList<>();
        List<String> last = null;
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            List<String> parameters = chunk.parameters();
            for (int i = 0; i < parameters.size(); i++) {
                statement.setString(i + 1, parameters.get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    ObjectNode after = NODES.objectNode();
                    for (int i = 0; i < shape.names().size(); i++) {
                        String text = rs.getString(i + 1);
                        if (text == null) {
                            after.putNull(shape.names().get(i));
                        } else {
                            after.set(shape.names().get(i), shape.types().get(i).toJson(text));
                        }
                    }
                    last = new ArrayList<>(shape.chunkKey().size());
                    for (String column : shape.chunkKey()) {
                        last.add(rs.getString(shape.names().indexOf(column) + 1));
                    }
                    selected.add(after);
                    keys.add(key(after));
                }
            }
        }
        window = new WatermarkWindow(selected, keys);
        windowOpen = false;
        lastChunk = selected.size() < settings.backfillChunkSize();
        if (last != null) {
            lastKey = last;
        }
        watermarkId = id;
        emit(c, WATERMARK_PREFIX, pg.slotName() + ":" + id + ":high");
    }

    private List<ChangeEvent> high(Lsn commitLsn, long lsn) {
        List<ObjectNode> kept = window.remaining();
        List<ChangeEvent> events = new ArrayList<>(kept.size());
        long tsMs = clock.millis();
        for (int i = 0; i < kept.size(); i++) {
            ObjectNode after = kept.get(i);
            Source source = new Source(version, Source.CONNECTOR, pg.slotName(), pg.dbname(), shape.id().schema(),
                    shape.id().table(), null, lsn, commitLsn.value(), i, tsMs, SnapshotMarker.INCREMENTAL);
            events.add(new ChangeEvent(null, after, Op.READ, tsMs, source, key(after), shape.columns(), List.of()));
        }
        rows += kept.size();
        long now = System.nanoTime();
        if (lastChunk) {
            LOG.info("backfill of {} done: {} rows in {} ({} rows/s)", shape.id(), rows,
                    SnapshotProgress.format(java.time.Duration.ofNanos(now - startedNanos)),
                    Math.round(SnapshotProgress.rate(rows, now - startedNanos)));
            shape = null;
        } else if (now - lastLogNanos >= settings.snapshotProgressInterval().toNanos()) {
            lastLogNanos = now;
            LOG.info("backfill of {}: {} rows of ~{}, {} rows/s", shape.id(), rows, shape.estimatedRows(),
                    Math.round(SnapshotProgress.rate(rows, now - startedNanos)));
        }
        LOG.debug("backfill chunk: {} selected, {} sent at {}", window.selected(), kept.size(), commitLsn);
        watermarkId = null;
        windowOpen = false;
        window = null;
        return events;
    }

    private ObjectNode key(ObjectNode after) {
        ObjectNode key = NODES.objectNode();
        for (String column : shape.keyColumns()) {
            key.set(column, after.get(column));
        }
        return key;
    }

    private static void emit(Connection connection, String prefix, String content) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pg_logical_emit_message(true, ?, ?)")) {
            statement.setString(1, prefix);
            statement.setString(2, content);
            statement.execute();
        }
    }

    /** Waits until the transactions running now have ended (see the class comment, step 2). */
    private static void awaitRunningTransactions(Connection connection) throws SQLException {
        List<Long> running = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT txid_snapshot_xip(txid_current_snapshot())"); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                running.add(rs.getLong(1));
            }
        }
        if (running.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + VISIBILITY_WAIT_MILLIS * 1_000_000;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM unnest(?::bigint[]) x WHERE txid_status(x) = 'in progress'")) {
            statement.setArray(1, connection.createArrayOf("bigint", running.toArray()));
            while (true) {
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn("backfill: transactions running before the low watermark are still open after {} s;"
                            + " selecting anyway", VISIBILITY_WAIT_MILLIS / 1000);
                    return;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Connection c = connections.snapshot("pgcdc-backfill");
            c.setReadOnly(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(true);
            connection = c;
        }
        return connection;
    }

    /** The table being backfilled, or empty. */
    public Optional<TableId> current() {
        return shape == null ? Optional.empty() : Optional.of(shape.id());
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // broken anyway
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
