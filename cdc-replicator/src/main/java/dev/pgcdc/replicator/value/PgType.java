package dev.pgcdc.replicator.value;

import java.util.Objects;
import java.util.Optional;

/**
 * What the converter needs to know about one PostgreSQL type, as a row of pg_type (joined with
 * pg_range for range and multirange types) would describe it. {@code elementOid} is the type this one
 * is built from: pg_type.typelem for arrays, pg_range.rngsubtype for ranges, the range type
 * (pg_range.rngtypid) for multiranges, otherwise 0. {@code baseOid} is pg_type.typbasetype for
 * domains, otherwise 0. {@code delimiter} is pg_type.typdelim, the separator used between elements when
 * this type appears in an array (',' for everything built in except box, which uses ';').
 */
public record PgType(int oid, String schema, String name, Kind kind, char category, int elementOid,
                     int baseOid, char delimiter) {

    /** pg_type.typcategory of array types. */
    public static final char CATEGORY_ARRAY = 'A';

    /** pg_type.typtype. */
    public enum Kind {
        BASE('b'),
        COMPOSITE('c'),
        DOMAIN('d'),
        ENUM('e'),
        PSEUDO('p'),
        RANGE('r'),
        MULTIRANGE('m');

        private final char code;

        Kind(char code) {
            this.code = code;
        }

        public char code() {
            return code;
        }

        /** Returns the kind for a pg_type.typtype code, or empty for a code this version does not know. */
        public static Optional<Kind> of(char code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    public PgType {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * True for true array types. Checking the category matters: name, point, lseg, box and line also
     * have a typelem (they can be subscripted) but their text form is not an array literal.
     */
    public boolean isArray() {
        return category == CATEGORY_ARRAY && elementOid != 0;
    }
}
