package dev.pgcdc.replicator.position;

import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.replicator.FatalException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * The confirmed position, kept in an LMDB environment: the last commit LSN whose every event
 * Kafka has acknowledged, and the slot it belongs to; and, in a second database of the same
 * environment, the progress of the initial snapshot ({@link SnapshotState}). Every {@link #save} is a synchronous LMDB
 * commit (fsync), so a position read after a crash was durable before PostgreSQL heard of it.
 *
 * <p>A file lock in the directory keeps a second replicator from sharing the position. The stored
 * LSN never moves backwards: saving a lower one is a bug and throws.
 *
 * <p>Threads: the position methods belong to the stream thread; the snapshot methods are
 * synchronized and may be called from snapshot workers.
 */
public final class PositionStore implements AutoCloseable {

    private static final byte[] LSN_KEY = "confirmed_lsn".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SLOT_KEY = "slot_name".getBytes(StandardCharsets.UTF_8);

    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Env<byte[]> env;
    private static final byte[] SNAPSHOT_KEY = "initial_snapshot".getBytes(StandardCharsets.UTF_8);

    private final Dbi<byte[]> dbi;
    private final Dbi<byte[]> snapshotDbi;
    private Lsn last;

    private PositionStore(Path directory, FileChannel lockChannel, FileLock lock, Env<byte[]> env, Dbi<byte[]> dbi,
            Dbi<byte[]> snapshotDbi) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.env = env;
        this.dbi = dbi;
        this.snapshotDbi = snapshotDbi;
    }

    /** Opens (creating when absent) the store in {@code directory}. */
    public static PositionStore open(Path directory) {
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(directory.resolve("replicator.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new FatalException("another replicator uses the position directory " + directory.toAbsolutePath()
                        + "; give each replicator its own replicator.position_path (and its own slot)");
            }
            Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA)
                    // Room for the snapshot plan of many large tables (one boundary key per chunk).
                    .setMapSize(64L << 20)
                    .setMaxDbs(2)
                    .setMaxReaders(8)
                    .open(directory.toFile());
            Dbi<byte[]> dbi = env.openDbi("position", DbiFlags.MDB_CREATE);
            Dbi<byte[]> snapshotDbi = env.openDbi("snapshot", DbiFlags.MDB_CREATE);
            PositionStore store = new PositionStore(directory, channel, lock, env, dbi, snapshotDbi);
            store.last = store.load().map(StoredPosition::lsn).orElse(null);
            return store;
        } catch (IOException | LmdbException e) {
            closeQuietly(channel);
            throw new FatalException("cannot open the position store at " + directory.toAbsolutePath() + ": " + e
                    + "; check replicator.position_path and its permissions", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** What {@link #peek} found; either part may be empty. */
    public record Contents(Optional<StoredPosition> position, Optional<SnapshotState> snapshot) {
    }

    /**
     * Reads the stored position and snapshot progress without taking the replicator's file lock, so
     * it works while a replicator runs (for {@code status}). Opens LMDB read-only; LMDB's own
     * reader table keeps the read consistent with a concurrent writer. Creates nothing.
     *
     * @return empty contents when the directory holds no store yet
     * @throws FatalException when the store exists but cannot be read
     */
    public static Contents peek(Path directory) {
        if (!Files.isRegularFile(directory.resolve("data.mdb"))) {
            return new Contents(Optional.empty(), Optional.empty());
        }
        try (Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA)
                .setMapSize(64L << 20)
                .setMaxDbs(2)
                .setMaxReaders(8)
                .open(directory.toFile(), org.lmdbjava.EnvFlags.MDB_RDONLY_ENV)) {
            Optional<StoredPosition> position = Optional.empty();
            Optional<SnapshotState> snapshot = Optional.empty();
            // Opened before the read transaction: a thread may hold only one LMDB read transaction.
            java.util.Set<String> names = new java.util.HashSet<>();
            env.getDbiNames().forEach(n -> names.add(new String(n, StandardCharsets.UTF_8)));
            Dbi<byte[]> positionDbi = names.contains("position") ? env.openDbi("position") : null;
            Dbi<byte[]> snapshotDbi = names.contains("snapshot") ? env.openDbi("snapshot") : null;
            try (Txn<byte[]> txn = env.txnRead()) {
                if (positionDbi != null) {
                    byte[] lsn = positionDbi.get(txn, LSN_KEY);
                    byte[] slot = positionDbi.get(txn, SLOT_KEY);
                    if (lsn != null) {
                        position = Optional.of(new StoredPosition(new Lsn(ByteBuffer.wrap(lsn).getLong()),
                                slot == null ? null : new String(slot, StandardCharsets.UTF_8)));
                    }
                }
                if (snapshotDbi != null) {
                    byte[] json = snapshotDbi.get(txn, SNAPSHOT_KEY);
                    if (json != null) {
                        snapshot = Optional.of(ChangeEventCodec.MAPPER.readValue(json, SnapshotState.class));
                    }
                }
            }
            return new Contents(position, snapshot);
        } catch (LmdbException | IOException e) {
            throw new FatalException("cannot read the position store at " + directory.toAbsolutePath() + ": " + e
                    + "; check replicator.position_path and its permissions", e);
        }
    }

    /** The stored position, or empty when nothing was ever confirmed. */
    public Optional<StoredPosition> load() {
        try (Txn<byte[]> txn = env.txnRead()) {
            byte[] lsn = dbi.get(txn, LSN_KEY);
            if (lsn == null) {
                return Optional.empty();
            }
            byte[] slot = dbi.get(txn, SLOT_KEY);
            return Optional.of(new StoredPosition(new Lsn(ByteBuffer.wrap(lsn).getLong()),
                    slot == null ? null : new String(slot, StandardCharsets.UTF_8)));
        } catch (LmdbException e) {
            throw new FatalException("cannot read the position store at " + directory.toAbsolutePath() + ": " + e, e);
        }
    }

    /**
     * Writes the position and syncs it to disk before returning.
     *
     * @throws IllegalStateException when {@code lsn} is below the stored one (positions never go back)
     * @throws FatalException when LMDB cannot write (disk full, I/O error)
     */
    public void save(Lsn lsn, String slotName) {
        if (last != null && lsn.compareTo(last) < 0) {
            throw new IllegalStateException("position would move backwards from " + last + " to " + lsn);
        }
        if (lsn.equals(last)) {
            return;
        }
        try (Txn<byte[]> txn = env.txnWrite()) {
            dbi.put(txn, LSN_KEY, ByteBuffer.allocate(Long.BYTES).putLong(lsn.value()).array());
            dbi.put(txn, SLOT_KEY, slotName.getBytes(StandardCharsets.UTF_8));
            txn.commit();
        } catch (LmdbException e) {
            throw new FatalException("cannot write the position store at " + directory.toAbsolutePath() + ": " + e, e);
        }
        last = lsn;
    }

    /** Forgets the stored position (used when the operator chose to start over). */
    public void clear() {
        try (Txn<byte[]> txn = env.txnWrite()) {
            dbi.delete(txn, LSN_KEY);
            dbi.delete(txn, SLOT_KEY);
            txn.commit();
        }
        last = null;
    }

    /** The initial snapshot's progress, or empty when no snapshot was started (or it was cleared). */
    public synchronized Optional<SnapshotState> loadSnapshot() {
        try (Txn<byte[]> txn = env.txnRead()) {
            byte[] json = snapshotDbi.get(txn, SNAPSHOT_KEY);
            return json == null ? Optional.empty() : Optional.of(ChangeEventCodec.MAPPER.readValue(json, SnapshotState.class));
        } catch (LmdbException | IOException e) {
            throw new FatalException("cannot read the snapshot progress at " + directory.toAbsolutePath() + ": " + e
                    + "; delete the directory to start over with a new snapshot", e);
        }
    }

    /** Writes the snapshot progress and syncs it to disk before returning. Callable from any thread. */
    public synchronized void saveSnapshot(SnapshotState state) {
        try (Txn<byte[]> txn = env.txnWrite()) {
            snapshotDbi.put(txn, SNAPSHOT_KEY, ChangeEventCodec.MAPPER.writeValueAsBytes(state));
            txn.commit();
        } catch (LmdbException | IOException e) {
            throw new FatalException("cannot write the snapshot progress at " + directory.toAbsolutePath() + ": " + e, e);
        }
    }

    /** Forgets the snapshot progress (a new snapshot is to start). */
    public synchronized void clearSnapshot() {
        try (Txn<byte[]> txn = env.txnWrite()) {
            snapshotDbi.delete(txn, SNAPSHOT_KEY);
            txn.commit();
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        try {
            env.close();
        } finally {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel releases it anyway
            }
            closeQuietly(lockChannel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /** A stored position: the confirmed commit LSN and the slot it was confirmed to (null in old stores). */
    public record StoredPosition(Lsn lsn, String slotName) {
    }
}
