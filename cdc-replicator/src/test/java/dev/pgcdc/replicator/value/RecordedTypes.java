package dev.pgcdc.replicator.value;

import dev.pgcdc.replicator.pgoutput.RecordedMessage;
import java.util.List;

/**
 * Reads the pg_type rows that record-fixtures.sh dumped (builtin-types.tsv, user-types.tsv) into
 * {@link PgType}s, the same mapping a pg_type-backed catalog would use.
 */
final class RecordedTypes {

    private RecordedTypes() {
    }

    static List<PgType> load(String name) {
        return RecordedMessage.lines(name).stream().map(RecordedTypes::parse).toList();
    }

    private static PgType parse(String line) {
        String[] f = line.split("\t", -1);
        PgType.Kind kind = PgType.Kind.of(f[3].charAt(0))
                .orElseThrow(() -> new IllegalArgumentException("unknown typtype in " + line));
        return new PgType(Integer.parseInt(f[0]), f[1], f[2], kind, f[4].charAt(0), Integer.parseInt(f[5]),
                Integer.parseInt(f[6]), f[7].charAt(0));
    }
}
