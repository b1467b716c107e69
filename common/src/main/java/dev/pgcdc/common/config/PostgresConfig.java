package dev.pgcdc.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code postgres} section: where to connect and what to capture. Slot and publication names
 * are checked here because they end up inside replication commands.
 *
 * <p>{@code adjustPublication}: when the publication exists with another table list, make it
 * list exactly the configured tables (default false: an existing publication is left alone and
 * a missing table is reported). {@code connectTimeout}: TCP connect and login timeout.
 * {@code properties}: pgjdbc connection properties passed through (e.g. {@code sslmode}).
 *
 * <p>{@code snapshotMode} ({@code snapshot_mode}, default {@code initial}): when the tables are
 * read whole; see {@link SnapshotMode}.
 */
public record PostgresConfig(
        String host,
        int port,
        String user,
        Secret password,
        String dbname,
        String slotName,
        String publicationName,
        List<TableConfig> tables,
        boolean adjustPublication,
        java.time.Duration connectTimeout,
        PassThroughProperties properties,
        SnapshotMode snapshotMode) {

    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern PUBLICATION_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    public PostgresConfig {
        tables = List.copyOf(tables);
    }

    public List<TableId> tableIds() {
        return tables.stream().map(TableConfig::id).toList();
    }

    /** The JDBC URL without credentials (they are passed as properties, never in the URL). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + dbname;
    }

    static PostgresConfig from(ConfigNode node) {
        String host = node.requiredString("host", "set the PostgreSQL server's host name, e.g. host: localhost");
        int port = node.integer("port", 5432, 1, 65535);
        String user = node.requiredString("user", "set the role to connect as, e.g. user: cdc_user");
        Secret password = node.secret("password");
        String dbname = node.requiredString("dbname", "set the database to capture, e.g. dbname: mydb");
        String slotName = node.requiredString("slot_name", "name the logical replication slot, e.g. slot_name: pgcdc_slot");
        if (!slotName.isEmpty() && !SLOT_NAME.matcher(slotName).matches()) {
            node.problem("slot_name", "'" + slotName + "' is not a valid replication slot name: use 1 to 63 lower-case"
                    + " letters, digits or underscores, e.g. pgcdc_slot");
        }
        String publication = node.requiredString("publication_name",
                "name the publication, e.g. publication_name: pgcdc_publication");
        if (!publication.isEmpty() && !PUBLICATION_NAME.matcher(publication).matches()) {
            node.problem("publication_name", "'" + publication + "' is not a plain identifier: use letters, digits and"
                    + " underscores, starting with a letter or underscore, at most 63 characters");
        }
        List<Object> items = node.mixedList("tables");
        List<TableConfig> tables = new ArrayList<>();
        if (items == null || items.isEmpty()) {
            if (items == null) {
                node.problem("tables", "list the tables to capture, e.g. tables: [public.users]");
            } else {
                node.problem("tables", "must list at least one table, e.g. tables: [public.users]");
            }
        } else {
            for (Object item : items) {
                tables.add(TableConfig.from(item, node, "tables"));
            }
            long distinct = tables.stream().map(TableConfig::id).distinct().count();
            if (distinct != tables.size()) {
                node.problem("tables", "lists the same table twice; list each table once");
            }
        }
        boolean adjust = node.bool("adjust_publication", false);
        java.time.Duration connectTimeout = node.duration("connect_timeout", java.time.Duration.ofSeconds(10));
        if (connectTimeout.toSeconds() < 1) {
            node.problem("connect_timeout", "must be at least 1s, e.g. 10s");
        }
        SnapshotMode snapshotMode = node.choice("snapshot_mode", SnapshotMode.class, SnapshotMode.INITIAL);
        return new PostgresConfig(host, port, user, password, dbname, slotName, publication, tables, adjust,
                connectTimeout, node.passThrough("properties"), snapshotMode);
    }
}
