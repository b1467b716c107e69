package dev.pgcdc.e2e.verify;

import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.config.TableConfig;
import dev.pgcdc.common.config.TableId;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Compares PostgreSQL tables with the Elasticsearch indexes the pipeline keeps for them, row by row (see
 * {@link Comparison}). The rows are read first, then the documents, so run it when the pipeline has
 * caught up and the workload has stopped (or expect differences for rows changed meanwhile). Holds one
 * PostgreSQL connection and one Elasticsearch client; not thread-safe.
 */
public final class Verifier implements AutoCloseable {

    public static final int DEFAULT_FETCH_SIZE = 5_000;
    public static final int DEFAULT_PAGE_SIZE = 2_000;

    private final PgcdcConfig config;
    private final Connection connection;
    private final EsIndex es;
    private final int maxDifferences;

    public Verifier(PgcdcConfig config, int maxDifferences) throws SQLException {
        if (config.postgres() == null || config.elasticsearch() == null) {
            throw new IllegalArgumentException("the configuration needs both a postgres and an elasticsearch section");
        }
        this.config = config;
        this.maxDifferences = maxDifferences;
        Properties properties = new Properties();
        properties.setProperty("user", config.postgres().user());
        if (config.postgres().password() != null) {
            properties.setProperty("password", config.postgres().password().reveal());
        }
        // Text protocol only: values must arrive as the output function writes them, like pgoutput sends them.
        properties.setProperty("prepareThreshold", "0");
        properties.setProperty("ApplicationName", "pgcdc-verify");
        this.connection = DriverManager.getConnection(config.postgres().jdbcUrl(), properties);
        this.es = new EsIndex(config.elasticsearch());
    }

    /** Compares one table with its mirror index. */
    public VerifyReport verify(TableId table) throws SQLException, IOException {
        long started = System.nanoTime();
        List<String> key = config.postgres().tables().stream().filter(t -> t.id().equals(table)).findFirst()
                .map(TableConfig::keyColumns).orElse(List.of());
        PgTable pg = new PgTable(connection, table, key);
        String index = config.elasticsearch().indexFor(table);
        Comparison comparison = new Comparison(metadataField(), maxDifferences, pg.jsonColumns());
        pg.forEachRow(DEFAULT_FETCH_SIZE, comparison::row);
        try {
            es.forEachDocument(index, DEFAULT_PAGE_SIZE, comparison::document);
        } catch (IOException e) {
            throw new IOException("cannot read index " + index + " from Elasticsearch at "
                    + config.elasticsearch().addresses() + ": " + e, e);
        }
        return comparison.finish(table.toString(), index, pg::rowFor,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private String metadataField() {
        return config.sink() == null ? "_cdc" : config.sink().metadataField();
    }

    @Override
    public void close() throws SQLException, IOException {
        try {
            es.close();
        } finally {
            connection.close();
        }
    }
}
