package dev.pgcdc.replicator.event;

import dev.pgcdc.common.config.TableId;
import java.util.List;

/**
 * What the catalog and the configuration say about a table's key. Called on the stream thread once
 * per Relation message (not per row), so an implementation may query the database.
 */
public interface TableKeys {

    /** Whether changes of this table are captured (a publication may hold other tables too). */
    boolean captured(TableId table);

    /** The primary key columns in key order, from the catalog as it is now; empty when none. */
    List<String> primaryKey(TableId table);

    /** The key columns configured for a table without a primary key; empty when none. */
    List<String> configuredKey(TableId table);
}
