package dev.pgcdc.replicator.value;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The built-in PostgreSQL types the converter understands, with their array types, as they appear in
 * pg_type of PostgreSQL 15 (BuiltinTypeCatalogTest checks every row against a recorded pg_type). Built-in
 * OIDs are fixed by PostgreSQL's catalog headers and stable across versions. Immutable and thread-safe.
 */
public final class BuiltinTypeCatalog implements TypeCatalog {

    public static final int BOOL = 16;
    public static final int BYTEA = 17;
    public static final int CHAR = 18;
    public static final int NAME = 19;
    public static final int INT8 = 20;
    public static final int INT2 = 21;
    public static final int INT4 = 23;
    public static final int TEXT = 25;
    public static final int OID = 26;
    public static final int JSON = 114;
    public static final int XML = 142;
    public static final int POINT = 600;
    public static final int LSEG = 601;
    public static final int PATH = 602;
    public static final int BOX = 603;
    public static final int POLYGON = 604;
    public static final int LINE = 628;
    public static final int CIDR = 650;
    public static final int FLOAT4 = 700;
    public static final int FLOAT8 = 701;
    public static final int CIRCLE = 718;
    public static final int MACADDR8 = 774;
    public static final int MONEY = 790;
    public static final int MACADDR = 829;
    public static final int INET = 869;
    public static final int BPCHAR = 1042;
    public static final int VARCHAR = 1043;
    public static final int DATE = 1082;
    public static final int TIME = 1083;
    public static final int TIMESTAMP = 1114;
    public static final int TIMESTAMPTZ = 1184;
    public static final int INTERVAL = 1186;
    public static final int TIMETZ = 1266;
    public static final int BIT = 1560;
    public static final int VARBIT = 1562;
    public static final int NUMERIC = 1700;
    public static final int UUID = 2950;
    public static final int TSVECTOR = 3614;
    public static final int JSONB = 3802;
    public static final int INT4RANGE = 3904;
    public static final int NUMRANGE = 3906;
    public static final int TSRANGE = 3908;
    public static final int TSTZRANGE = 3910;
    public static final int DATERANGE = 3912;
    public static final int INT8RANGE = 3926;
    public static final int INT4MULTIRANGE = 4451;
    public static final int NUMMULTIRANGE = 4532;
    public static final int TSMULTIRANGE = 4533;
    public static final int TSTZMULTIRANGE = 4534;
    public static final int DATEMULTIRANGE = 4535;
    public static final int INT8MULTIRANGE = 4536;

    public static final BuiltinTypeCatalog INSTANCE = new BuiltinTypeCatalog();

    private static final String PG_CATALOG = "pg_catalog";

    private final Map<Integer, PgType> byOid;

    private BuiltinTypeCatalog() {
        List<PgType> types = new ArrayList<>();
        // Each line: the type's pg_type columns, ending with the OID of its array type (typarray).
        base(types, BOOL, "bool", 'B', 1000);
        base(types, BYTEA, "bytea", 'U', 1001);
        base(types, CHAR, "char", 'Z', 1002);
        subscriptable(types, NAME, "name", 'S', CHAR, ',', 1003);
        base(types, INT8, "int8", 'N', 1016);
        base(types, INT2, "int2", 'N', 1005);
        base(types, INT4, "int4", 'N', 1007);
        base(types, TEXT, "text", 'S', 1009);
        base(types, OID, "oid", 'N', 1028);
        base(types, JSON, "json", 'U', 199);
        base(types, XML, "xml", 'U', 143);
        subscriptable(types, POINT, "point", 'G', FLOAT8, ',', 1017);
        subscriptable(types, LSEG, "lseg", 'G', POINT, ',', 1018);
        base(types, PATH, "path", 'G', 1019);
        subscriptable(types, BOX, "box", 'G', POINT, ';', 1020);
        base(types, POLYGON, "polygon", 'G', 1027);
        subscriptable(types, LINE, "line", 'G', FLOAT8, ',', 629);
        base(types, CIDR, "cidr", 'I', 651);
        base(types, FLOAT4, "float4", 'N', 1021);
        base(types, FLOAT8, "float8", 'N', 1022);
        base(types, CIRCLE, "circle", 'G', 719);
        base(types, MACADDR8, "macaddr8", 'U', 775);
        base(types, MONEY, "money", 'N', 791);
        base(types, MACADDR, "macaddr", 'U', 1040);
        base(types, INET, "inet", 'I', 1041);
        base(types, BPCHAR, "bpchar", 'S', 1014);
        base(types, VARCHAR, "varchar", 'S', 1015);
        base(types, DATE, "date", 'D', 1182);
        base(types, TIME, "time", 'D', 1183);
        base(types, TIMESTAMP, "timestamp", 'D', 1115);
        base(types, TIMESTAMPTZ, "timestamptz", 'D', 1185);
        base(types, INTERVAL, "interval", 'T', 1187);
        base(types, TIMETZ, "timetz", 'D', 1270);
        base(types, BIT, "bit", 'V', 1561);
        base(types, VARBIT, "varbit", 'V', 1563);
        base(types, NUMERIC, "numeric", 'N', 1231);
        base(types, UUID, "uuid", 'U', 2951);
        base(types, TSVECTOR, "tsvector", 'U', 3643);
        base(types, JSONB, "jsonb", 'U', 3807);
        range(types, INT4RANGE, "int4range", INT4, 3905);
        range(types, NUMRANGE, "numrange", NUMERIC, 3907);
        range(types, TSRANGE, "tsrange", TIMESTAMP, 3909);
        range(types, TSTZRANGE, "tstzrange", TIMESTAMPTZ, 3911);
        range(types, DATERANGE, "daterange", DATE, 3913);
        range(types, INT8RANGE, "int8range", INT8, 3927);
        multirange(types, INT4MULTIRANGE, "int4multirange", INT4RANGE, 6150);
        multirange(types, NUMMULTIRANGE, "nummultirange", NUMRANGE, 6151);
        multirange(types, TSMULTIRANGE, "tsmultirange", TSRANGE, 6152);
        multirange(types, TSTZMULTIRANGE, "tstzmultirange", TSTZRANGE, 6153);
        multirange(types, DATEMULTIRANGE, "datemultirange", DATERANGE, 6155);
        multirange(types, INT8MULTIRANGE, "int8multirange", INT8RANGE, 6157);
        this.byOid = types.stream().collect(Collectors.toUnmodifiableMap(PgType::oid, Function.identity()));
    }

    @Override
    public Optional<PgType> lookup(int oid) {
        return Optional.ofNullable(byOid.get(oid));
    }

    /** Every built-in type this catalog knows, arrays included, in no particular order. */
    public List<PgType> types() {
        return List.copyOf(byOid.values());
    }

    private static void base(List<PgType> types, int oid, String name, char category, int arrayOid) {
        add(types, new PgType(oid, PG_CATALOG, name, PgType.Kind.BASE, category, 0, 0, ','), arrayOid);
    }

    /** A base type with a typelem that is not an array; name, point, lseg, box and line are subscriptable. */
    private static void subscriptable(List<PgType> types, int oid, String name, char category, int elementOid,
                                      char delimiter, int arrayOid) {
        add(types, new PgType(oid, PG_CATALOG, name, PgType.Kind.BASE, category, elementOid, 0, delimiter),
                arrayOid);
    }

    private static void range(List<PgType> types, int oid, String name, int subtypeOid, int arrayOid) {
        add(types, new PgType(oid, PG_CATALOG, name, PgType.Kind.RANGE, 'R', subtypeOid, 0, ','), arrayOid);
    }

    private static void multirange(List<PgType> types, int oid, String name, int rangeOid, int arrayOid) {
        add(types, new PgType(oid, PG_CATALOG, name, PgType.Kind.MULTIRANGE, 'R', rangeOid, 0, ','), arrayOid);
    }

    private static void add(List<PgType> types, PgType type, int arrayOid) {
        types.add(type);
        // pg_type gives an array type the same typdelim as its element type.
        types.add(new PgType(arrayOid, PG_CATALOG, "_" + type.name(), PgType.Kind.BASE, PgType.CATEGORY_ARRAY,
                type.oid(), 0, type.delimiter()));
    }
}
