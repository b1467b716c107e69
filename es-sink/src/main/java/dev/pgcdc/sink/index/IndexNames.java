package dev.pgcdc.sink.index;

import dev.pgcdc.common.config.ElasticsearchConfig;
import dev.pgcdc.common.config.SinkConfig;
import dev.pgcdc.common.config.TableId;
import java.util.Locale;

/**
 * Names of the indexes the sink writes: per table a mirror index
 * ({@code {indexPrefix}{schema}_{table}}) and optionally a change-log index, plus one tombstone
 * index ({@code {indexPrefix}tombstones} by default) shared by all tables. Immutable.
 */
public final class IndexNames {

    private final ElasticsearchConfig elasticsearch;
    private final String changeLogPattern;
    private final String tombstones;

    public IndexNames(ElasticsearchConfig elasticsearch, SinkConfig sink) {
        this.elasticsearch = elasticsearch;
        this.changeLogPattern = elasticsearch.indexPrefix() + sink.changeLogIndex();
        this.tombstones = (elasticsearch.indexPrefix() + sink.tombstoneIndex()).toLowerCase(Locale.ROOT);
    }

    public String prefix() {
        return elasticsearch.indexPrefix();
    }

    public String mirror(TableId table) {
        return elasticsearch.indexFor(table);
    }

    public String changeLog(TableId table) {
        return changeLogPattern.replace("{schema}", table.schema()).replace("{table}", table.table())
                .toLowerCase(Locale.ROOT);
    }

    /** The wildcard pattern that matches every change-log index. */
    public String changeLogWildcard() {
        return changeLogPattern.replace("{schema}", "*").replace("{table}", "*").replace("**", "*")
                .toLowerCase(Locale.ROOT);
    }

    public String tombstones() {
        return tombstones;
    }

    /** Tombstone id of a deleted row: {@code {mirrorIndex}/{docId}}, hashed when too long. */
    public static String rowTombstoneId(String mirrorIndex, String docId) {
        return DocumentIds.fit(mirrorIndex + "/" + docId);
    }

    /**
     * Tombstone id of a table's latest cut (a truncate, or a completed snapshot): row writes older
     * than it are dropped. '#' cannot occur in an index name, so no row id matches it.
     */
    public static String truncateTombstoneId(String mirrorIndex) {
        return mirrorIndex + "#truncate";
    }
}
