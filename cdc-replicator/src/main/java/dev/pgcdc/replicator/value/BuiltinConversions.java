package dev.pgcdc.replicator.value;

import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.BOOL;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.BOX;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.BYTEA;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.CIRCLE;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.DATE;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.FLOAT4;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.FLOAT8;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.INT2;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.INT4;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.INT8;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.INTERVAL;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.JSON;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.JSONB;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.LINE;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.LSEG;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.NUMERIC;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.OID;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.PATH;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.POINT;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.POLYGON;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.TIME;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.TIMESTAMP;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.TIMESTAMPTZ;
import static dev.pgcdc.replicator.value.BuiltinTypeCatalog.TIMETZ;

import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Picks the conversion for a built-in scalar type by OID. Every type not listed here (text, varchar,
 * bpchar, "char", name, uuid, inet, cidr, macaddr, macaddr8, money, bit, varbit, xml, tsvector and all
 * unknown types) is kept as its text output, which is already the most faithful JSON form for it.
 */
final class BuiltinConversions {

    static final TextConversion TEXT = TextNode::valueOf;

    private BuiltinConversions() {
    }

    static TextConversion forOid(int oid) {
        return switch (oid) {
            case BOOL -> NumericText::bool;
            case INT2, INT4 -> NumericText::integer;
            case INT8 -> NumericText::bigint;
            case OID -> NumericText::oid;
            case NUMERIC -> NumericText::numeric;
            case FLOAT4 -> NumericText::real;
            case FLOAT8 -> NumericText::doublePrecision;
            case JSON -> JsonText::parse;
            case JSONB -> JsonText::jsonb;
            case BYTEA -> ByteaText::base64;
            case DATE -> DateTimeText::date;
            case TIME -> DateTimeText::time;
            case TIMETZ -> DateTimeText::timeWithTimeZone;
            case TIMESTAMP -> DateTimeText::timestamp;
            case TIMESTAMPTZ -> DateTimeText::timestampWithTimeZone;
            case INTERVAL -> IntervalText::iso8601;
            case POINT -> GeometricText::point;
            case LINE -> GeometricText::line;
            case LSEG -> GeometricText::lineSegment;
            case BOX -> GeometricText::box;
            case PATH -> GeometricText::path;
            case POLYGON -> GeometricText::polygon;
            case CIRCLE -> GeometricText::circle;
            default -> TEXT;
        };
    }
}
