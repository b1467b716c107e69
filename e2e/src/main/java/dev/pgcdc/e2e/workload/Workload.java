package dev.pgcdc.e2e.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A randomised, seeded write workload over the tables {@link #TABLES} ({@link #createTables} makes
 * them): inserts, updates (some change the primary key, some write TOASTed text over 8 kB, some leave
 * it unchanged so pgoutput omits it), deletes and, rarely, truncates; transactions of 1 to a few
 * hundred rows, now and then a large one; several connections at once, each with its own random
 * stream derived from the seed and its own key range (so connections do not deadlock on rows). It
 * survives PostgreSQL restarts: a broken connection is reopened until the run ends.
 *
 * <p>The seed is logged when a run starts; the same seed gives the same decisions per connection (the
 * interleaving of connections, and so the exact final state, depends on timing).
 */
public final class Workload {

    private static final Logger log = LoggerFactory.getLogger(Workload.class);

    /** Tables the workload writes, all with keys; {@code wl_scratch} is the one it truncates. */
    public static final List<String> TABLES = List.of("public.wl_accounts", "public.wl_orders", "public.wl_scratch");

    public static final String DDL = """
            CREATE TABLE IF NOT EXISTS wl_accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(14,2),
              tags text[], profile jsonb, big text, updated timestamptz DEFAULT now());
            CREATE TABLE IF NOT EXISTS wl_orders (region int, order_no bigint, amount float8, note varchar(200),
              day date, PRIMARY KEY (region, order_no));
            CREATE TABLE IF NOT EXISTS wl_scratch (id int PRIMARY KEY, v text, flag boolean);
            """;

    /** Options of a run. */
    /**
     * @param keyChangesKeepToast when false (the default), an update that changes a primary key also
     *     rewrites the TOASTed column ({@code big = big || ''}), so PostgreSQL sends its value; when
     *     true it leaves it untouched and pgoutput sends it as an unchanged-TOAST marker, which the
     *     pipeline loses today (see {@code ToastKeyChangeIT})
     */
    public record Options(long seed, int connections, Duration duration, long maxTransactions,
                          int largeTransactionEvery, int largeTransactionRows, Duration pause,
                          boolean keyChangesKeepToast) {

        /**
         * {@code connections} writers for {@code duration}, now and then a large transaction (500 rows
         * inserted, then updated), 30 ms between transactions: a rate the pipeline keeps up with on a small
         * shared machine (the sink applies about 1,000 events/s there).
         */
        public static Options of(long seed, int connections, Duration duration) {
            return new Options(seed, connections, duration, Long.MAX_VALUE, 100, 500, Duration.ofMillis(30), false);
        }

        public Options withKeyChangesKeepingToast(boolean keep) {
            return new Options(seed, connections, duration, maxTransactions, largeTransactionEvery, largeTransactionRows,
                    pause, keep);
        }

        public Options withPause(Duration pause) {
            return new Options(seed, connections, duration, maxTransactions, largeTransactionEvery, largeTransactionRows, pause,
                    keyChangesKeepToast);
        }

        public Options withMaxTransactions(long max) {
            return new Options(seed, connections, duration, max, largeTransactionEvery, largeTransactionRows, pause,
                    keyChangesKeepToast);
        }

        public Options withLargeTransactions(int every, int rows) {
            return new Options(seed, connections, duration, maxTransactions, every, rows, pause, keyChangesKeepToast);
        }
    }

    private final String jdbcUrl;
    private final Properties properties;
    private final Options options;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();
    private final AtomicLong uncertain = new AtomicLong();
    private final AtomicLong rowsChanged = new AtomicLong();
    private final AtomicLong truncates = new AtomicLong();
    private final AtomicLong keyChanges = new AtomicLong();
    private final AtomicLong toastWrites = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();

    public Workload(String jdbcUrl, String user, String password, Options options) {
        this.jdbcUrl = jdbcUrl;
        this.properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("ApplicationName", "pgcdc-workload");
        properties.setProperty("connectTimeout", "5");
        this.options = options;
    }

    public static void createTables(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(DDL);
        }
    }

    /** Asks a running {@link #run()} to finish its current transactions and return; any thread may call it. */
    public void stop() {
        stop.set(true);
    }

    /** Runs the workload on {@code connections} threads until the duration, the transaction limit or {@link #stop()}. */
    public WorkloadStats run() throws InterruptedException {
        log.info("workload seed {} ({} connections, {} s)", options.seed(), options.connections(),
                options.duration().toSeconds());
        long deadline = System.nanoTime() + options.duration().toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(options.connections());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < options.connections(); i++) {
                int writer = i;
                futures.add(pool.submit(() -> {
                    writer(writer, deadline);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("workload writer failed (seed " + options.seed() + ")", e.getCause());
                }
            }
        } finally {
            pool.shutdown();
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        }
        WorkloadStats stats = stats();
        log.info("workload done: {}", stats);
        return stats;
    }

    public WorkloadStats stats() {
        return new WorkloadStats(options.seed(), transactions.get(), rolledBack.get(), uncertain.get(),
                rowsChanged.get(), truncates.get(), keyChanges.get(), toastWrites.get(), reconnects.get());
    }

    private boolean running(long deadline) {
        return !stop.get() && System.nanoTime() < deadline && transactions.get() < options.maxTransactions();
    }

    private void writer(int writer, long deadline) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(options.seed() * 1_000_003L + writer);
        Writer w = new Writer(writer, random);
        Connection connection = null;
        long n = 0;
        while (running(deadline)) {
            try {
                if (connection == null) {
                    connection = DriverManager.getConnection(jdbcUrl, properties);
                    connection.setAutoCommit(false);
                }
                n++;
                boolean large = options.largeTransactionEvery() > 0 && n % options.largeTransactionEvery() == 0
                        && random.nextInt(options.connections()) == 0;
                long changed = large ? w.largeTransaction(connection, options.largeTransactionRows())
                        : w.transaction(connection);
                try {
                    connection.commit();
                } catch (SQLException e) {
                    if (isConnectionError(e)) {
                        uncertain.incrementAndGet();
                    }
                    throw e;
                }
                transactions.incrementAndGet();
                rowsChanged.addAndGet(changed);
                w.committed();
                if (!options.pause().isZero()) {
                    Thread.sleep(options.pause().toMillis());
                }
            } catch (SQLException e) {
                w.rolledBack();
                rolledBack.incrementAndGet();
                if (connection != null && isConnectionError(e)) {
                    closeQuietly(connection);
                    connection = null;
                    reconnects.incrementAndGet();
                    Thread.sleep(300);
                } else if (connection != null) {
                    try {
                        connection.rollback();
                    } catch (SQLException again) {
                        closeQuietly(connection);
                        connection = null;
                    }
                } else {
                    Thread.sleep(300);
                }
            }
        }
        if (connection != null) {
            closeQuietly(connection);
        }
    }

    private static boolean isConnectionError(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Broken anyway.
        }
    }

    /** One connection's decisions and the keys it believes exist (a hint: a miss only changes nothing). */
    private final class Writer {
        private final int writer;
        private final SplittableRandom random;
        private final List<Long> accounts = new ArrayList<>();
        private final List<Long> orders = new ArrayList<>();
        private long nextId;
        private int pendingTruncate;
        private final List<Long> pendingAccounts = new ArrayList<>();
        private final List<Long> pendingOrders = new ArrayList<>();

        Writer(int writer, SplittableRandom random) {
            this.writer = writer;
            this.random = random;
            this.nextId = (long) writer * 1_000_000_000L + 1;
        }

        long transaction(Connection c) throws SQLException {
            int statements = 1 + random.nextInt(random.nextInt(10) == 0 ? 40 : 5);
            long changed = 0;
            for (int i = 0; i < statements; i++) {
                changed += statement(c);
            }
            return changed;
        }

        long largeTransaction(Connection c, int rows) throws SQLException {
            long changed = 0;
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO wl_accounts (id, owner, balance, tags, profile) VALUES (?, ?, ?, ?, ?::jsonb)")) {
                for (int i = 0; i < rows; i++) {
                    long id = nextId++;
                    bindAccount(insert, id);
                    insert.addBatch();
                    pendingAccounts.add(id);
                }
                for (int r : insert.executeBatch()) {
                    changed += Math.max(r, 0);
                }
            }
            // And touch every one of them again in the same transaction.
            try (Statement s = c.createStatement()) {
                changed += s.executeUpdate("UPDATE wl_accounts SET balance = balance + 1 WHERE id BETWEEN "
                        + pendingAccounts.get(0) + " AND " + (nextId - 1));
            }
            return changed;
        }

        private long statement(Connection c) throws SQLException {
            int dice = random.nextInt(100);
            if (dice < 30 || accounts.size() < 20) {
                return insertAccount(c);
            } else if (dice < 45) {
                return insertOrder(c);
            } else if (dice < 60) {
                return updateAccount(c, random.nextInt(3) == 0);
            } else if (dice < 66) {
                return changeAccountKey(c);
            } else if (dice < 74) {
                return updateOrder(c);
            } else if (dice < 82) {
                return delete(c);
            } else if (dice < 97) {
                return scratch(c);
            } else if (random.nextInt(40) == 0) {
                try (Statement s = c.createStatement()) {
                    s.execute("TRUNCATE wl_scratch");
                }
                pendingTruncate++;
                return 1;
            }
            return updateAccount(c, false);
        }

        private void bindAccount(PreparedStatement insert, long id) throws SQLException {
            insert.setLong(1, id);
            insert.setString(2, "owner-" + writer + "-" + random.nextInt(1_000_000) + (random.nextInt(20) == 0 ? " ünï ✓" : ""));
            insert.setBigDecimal(3, java.math.BigDecimal.valueOf(random.nextLong(-1_000_000_00L, 1_000_000_00L), 2));
            insert.setArray(4, random.nextInt(5) == 0 ? null : insert.getConnection().createArrayOf("text",
                    random.nextInt(4) == 0 ? new String[0] : new String[] {"t" + random.nextInt(9), null, "x,y"}));
            insert.setString(5, random.nextInt(4) == 0 ? null
                    : "{\"n\":" + random.nextInt(1000) + ",\"nested\":{\"a\":[1,2.50,\"s\"]},\"flag\":" + random.nextBoolean() + "}");
        }

        private long insertAccount(Connection c) throws SQLException {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO wl_accounts (id, owner, balance, tags, profile, big) VALUES (?, ?, ?, ?, ?::jsonb, ?)")) {
                long id = nextId++;
                bindAccount(insert, id);
                insert.setString(6, random.nextInt(6) == 0 ? toast() : null);
                pendingAccounts.add(id);
                return insert.executeUpdate();
            }
        }

        private long updateAccount(Connection c, boolean writeToast) throws SQLException {
            if (accounts.isEmpty()) {
                return 0;
            }
            long id = accounts.get(random.nextInt(accounts.size()));
            // Without touching "big", pgoutput sends it as unchanged TOAST; the sink must keep it.
            String sql = writeToast ? "UPDATE wl_accounts SET big = ?, balance = balance - 1, updated = now() WHERE id = ?"
                    : "UPDATE wl_accounts SET owner = ?, balance = balance + 1, updated = now() WHERE id = ?";
            try (PreparedStatement update = c.prepareStatement(sql)) {
                update.setString(1, writeToast ? toast() : "renamed-" + random.nextInt(1000));
                update.setLong(2, id);
                return update.executeUpdate();
            }
        }

        private long changeAccountKey(Connection c) throws SQLException {
            if (accounts.isEmpty()) {
                return 0;
            }
            int index = random.nextInt(accounts.size());
            long oldId = accounts.get(index);
            long newId = nextId++;
            String sql = options.keyChangesKeepToast() ? "UPDATE wl_accounts SET id = ? WHERE id = ?"
                    : "UPDATE wl_accounts SET id = ?, big = big || '' WHERE id = ?";
            try (PreparedStatement update = c.prepareStatement(sql)) {
                update.setLong(1, newId);
                update.setLong(2, oldId);
                int n = update.executeUpdate();
                if (n > 0) {
                    keyChanges.incrementAndGet();
                    accounts.set(index, newId);
                }
                return n;
            }
        }

        private long insertOrder(Connection c) throws SQLException {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO wl_orders (region, order_no, amount, note, day) VALUES (?, ?, ?, ?, ?)")) {
                long no = nextId++;
                insert.setInt(1, writer);
                insert.setLong(2, no);
                int special = random.nextInt(30);
                insert.setDouble(3, special == 0 ? Double.NaN : special == 1 ? Double.POSITIVE_INFINITY
                        : random.nextDouble() * 1e6);
                insert.setString(4, random.nextInt(3) == 0 ? null : "note \"" + random.nextInt() + "\"\n\\");
                insert.setObject(5, LocalDate.of(2000, 1, 1).plusDays(random.nextInt(20_000)));
                pendingOrders.add(no);
                return insert.executeUpdate();
            }
        }

        private long updateOrder(Connection c) throws SQLException {
            if (orders.isEmpty()) {
                return 0;
            }
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE wl_orders SET amount = amount * 2, note = ? WHERE region = ? AND order_no = ?")) {
                update.setString(1, "updated " + random.nextInt(1000));
                update.setInt(2, writer);
                update.setLong(3, orders.get(random.nextInt(orders.size())));
                return update.executeUpdate();
            }
        }

        private long delete(Connection c) throws SQLException {
            boolean account = random.nextBoolean();
            List<Long> keys = account ? accounts : orders;
            if (keys.isEmpty()) {
                return 0;
            }
            long key = keys.remove(random.nextInt(keys.size()));
            try (PreparedStatement delete = c.prepareStatement(account ? "DELETE FROM wl_accounts WHERE id = ?"
                    : "DELETE FROM wl_orders WHERE region = " + writer + " AND order_no = ?")) {
                delete.setLong(1, key);
                return delete.executeUpdate();
            }
        }

        private long scratch(Connection c) throws SQLException {
            // Small key space shared by all writers: upserts and deletes collide on purpose.
            int id = random.nextInt(200);
            String sql = random.nextInt(4) == 0 ? "DELETE FROM wl_scratch WHERE id = ?"
                    : "INSERT INTO wl_scratch (id, v, flag) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v,"
                    + " flag = excluded.flag";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setInt(1, id);
                if (sql.startsWith("INSERT")) {
                    s.setString(2, "v" + random.nextInt(1000));
                    s.setBoolean(3, random.nextBoolean());
                }
                return s.executeUpdate();
            }
        }

        /** 9 to 16 kB of poorly compressible text: stored out of line (TOASTed). */
        private String toast() {
            toastWrites.incrementAndGet();
            int length = 9_000 + random.nextInt(7_000);
            StringBuilder out = new StringBuilder(length);
            Random r = new Random(random.nextLong());
            for (int i = 0; i < length; i++) {
                out.append((char) ('!' + r.nextInt(90)));
            }
            return out.toString();
        }

        void committed() {
            accounts.addAll(pendingAccounts);
            orders.addAll(pendingOrders);
            truncates.addAndGet(pendingTruncate);
            pendingAccounts.clear();
            pendingOrders.clear();
            pendingTruncate = 0;
        }

        void rolledBack() {
            pendingAccounts.clear();
            pendingOrders.clear();
            pendingTruncate = 0;
        }
    }
}
