package dev.pgcdc.devstack;

/** Quotes SQL identifiers and postgresql.conf values. */
final class Identifiers {

    private Identifiers() {
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** A postgresql.conf value: always single-quoted, which is valid for every parameter type. */
    static String confValue(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
