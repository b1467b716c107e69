package dev.pgcdc.replicator.value;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BuiltinTypeCatalogTest {

    private final Map<Integer, PgType> pgType = RecordedTypes.load("builtin-types.tsv").stream()
            .collect(Collectors.toMap(PgType::oid, Function.identity()));

    @Test
    void everyBuiltinTypeMatchesItsRowInPostgres15PgType() {
        List<PgType> builtins = BuiltinTypeCatalog.INSTANCE.types();

        assertThat(builtins).hasSize(102);
        for (PgType type : builtins) {
            assertThat(type).as("pg_type row %d", type.oid()).isEqualTo(pgType.get(type.oid()));
        }
    }

    @Test
    void knowsEveryTypeTheConverterHandlesTogetherWithItsArrayType() {
        int[] oids = {16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 142, 600, 601, 602, 603, 604, 628, 650, 700, 701,
            718, 774, 790, 829, 869, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1266, 1560, 1562, 1700, 2950, 3614,
            3802, 3904, 3906, 3908, 3910, 3912, 3926, 4451, 4532, 4533, 4534, 4535, 4536};

        for (int oid : oids) {
            PgType array = BuiltinTypeCatalog.INSTANCE.types().stream()
                    .filter(t -> t.isArray() && t.elementOid() == oid)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no array type for " + oid));
            assertThat(BuiltinTypeCatalog.INSTANCE.lookup(oid)).as("type %d", oid).isPresent();
            assertThat(array.name()).isEqualTo("_" + BuiltinTypeCatalog.INSTANCE.lookup(oid).orElseThrow().name());
        }
    }

    @Test
    void subscriptableScalarsAreNotMistakenForArrays() {
        assertThat(BuiltinTypeCatalog.INSTANCE.lookup(BuiltinTypeCatalog.NAME).orElseThrow().isArray()).isFalse();
        assertThat(BuiltinTypeCatalog.INSTANCE.lookup(BuiltinTypeCatalog.POINT).orElseThrow().isArray()).isFalse();
        assertThat(BuiltinTypeCatalog.INSTANCE.lookup(1017).orElseThrow().isArray()).as("_point").isTrue();
    }

    @Test
    void unknownOidIsEmpty() {
        assertThat(BuiltinTypeCatalog.INSTANCE.lookup(16385)).isEmpty();
    }
}
