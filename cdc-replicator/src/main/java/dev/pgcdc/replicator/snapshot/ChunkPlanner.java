package dev.pgcdc.replicator.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Cuts a table with a primary key into chunks of about {@code chunkSize} rows: one pass over the
 * key in index order (a streaming cursor, keys only; no {@code OFFSET}) keeps every
 * {@code chunkSize}-th key as a boundary. Chunks are exact at planning time; rows inserted later
 * fall into whichever range holds their key (the last range is open above), so the plan always
 * covers the whole key space.
 */
public final class ChunkPlanner {

    private ChunkPlanner() {
    }

    /**
     * The boundaries of a plan: the key ending each full chunk of {@code chunkSize} keys, except
     * when that key is the very last one (the last chunk is open-ended anyway).
     *
     * @param keys the keys in key order
     */
    public static List<List<String>> boundaries(Iterator<List<String>> keys, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1, got " + chunkSize);
        }
        List<List<String>> boundaries = new ArrayList<>();
        long count = 0;
        List<String> candidate = null;
        while (keys.hasNext()) {
            List<String> key = keys.next();
            if (candidate != null) {
                boundaries.add(candidate);
                candidate = null;
            }
            if (++count % chunkSize == 0) {
                candidate = key;
            }
        }
        return boundaries;
    }

    /**
     * Plans a table by reading its key in the connection's current transaction (the snapshot).
     * The connection must have autocommit off so the cursor streams.
     */
    public static List<List<String>> plan(Connection connection, TableShape shape, int chunkSize, int fetchSize)
            throws SQLException {
        if (shape.chunkKey().isEmpty()) {
            return List.of();
        }
        String sql = "SELECT " + shape.chunkKeyList() + " FROM " + shape.id().quoted() + " ORDER BY "
                + shape.chunkKeyList();
        int width = shape.chunkKey().size();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setFetchSize(fetchSize);
            try (ResultSet rs = statement.executeQuery()) {
                Iterator<List<String>> keys = new Iterator<>() {
                    private Boolean ready;

                    @Override
                    public boolean hasNext() {
                        if (ready == null) {
                            try {
                                ready = rs.next();
                            } catch (SQLException e) {
                                throw new SqlFailure(e);
                            }
                        }
                        return ready;
                    }

                    @Override
                    public List<String> next() {
                        hasNext();
                        ready = null;
                        try {
                            List<String> key = new ArrayList<>(width);
                            for (int i = 1; i <= width; i++) {
                                key.add(rs.getString(i));
                            }
                            return key;
                        } catch (SQLException e) {
                            throw new SqlFailure(e);
                        }
                    }
                };
                try {
                    return boundaries(keys, chunkSize);
                } catch (SqlFailure e) {
                    throw e.cause;
                }
            }
        }
    }

    /** Carries a SQLException through the Iterator interface. */
    private static final class SqlFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient SQLException cause;

        SqlFailure(SQLException cause) {
            super(cause);
            this.cause = cause;
        }
    }
}
