package dev.pgcdc.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A table named by schema and name, as PostgreSQL stores them (unquoted, case kept). Parsed from
 * {@code schema.table} or {@code table} (schema {@code public}); double quotes allow dots, upper
 * case and spaces: {@code "Sales"."Order Lines"}.
 */
public record TableId(String schema, String table) {

    public TableId {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
    }

    public static TableId parse(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    current.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                    wasQuoted = true;
                }
            } else if (c == '.' && !quoted) {
                parts.add(finish(current, wasQuoted, text));
                current.setLength(0);
                wasQuoted = false;
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced double quote in table name '" + text + "'");
        }
        parts.add(finish(current, wasQuoted, text));
        if (parts.size() == 1) {
            return new TableId("public", parts.get(0));
        }
        if (parts.size() == 2) {
            return new TableId(parts.get(0), parts.get(1));
        }
        throw new IllegalArgumentException("expected 'schema.table' or 'table', got '" + text
                + "' (quote names that contain dots: \"my.schema\".\"my.table\")");
    }

    private static String finish(StringBuilder part, boolean quoted, String text) {
        String value = quoted ? part.toString() : part.toString().trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty schema or table name in '" + text + "'");
        }
        // PostgreSQL folds unquoted identifiers to lower case.
        return quoted ? value : value.toLowerCase(java.util.Locale.ROOT);
    }

    /** The name quoted for SQL: {@code "public"."users"}. */
    public String quoted() {
        return quote(schema) + "." + quote(table);
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
