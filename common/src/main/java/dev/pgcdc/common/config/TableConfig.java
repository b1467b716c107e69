package dev.pgcdc.common.config;

import java.util.List;

/**
 * A captured table and, for a table without a primary key, the columns that identify a row
 * (empty: use the primary key or replica identity PostgreSQL reports).
 */
public record TableConfig(TableId id, List<String> keyColumns) {

    public TableConfig {
        keyColumns = List.copyOf(keyColumns);
    }

    static TableConfig from(Object item, ConfigNode parent, String key) {
        if (item instanceof String name) {
            return new TableConfig(parseId(name, parent, key), List.of());
        }
        ConfigNode node = (ConfigNode) item;
        String name = node.requiredString("name", "give the table as schema.table");
        List<String> keyColumns = node.stringList("key_columns", List.of());
        return new TableConfig(name.isEmpty() ? new TableId("public", "?") : parseId(name, parent, key), keyColumns);
    }

    private static TableId parseId(String name, ConfigNode parent, String key) {
        try {
            return TableId.parse(name);
        } catch (IllegalArgumentException e) {
            parent.problem(key, e.getMessage());
            return new TableId("public", name);
        }
    }
}
