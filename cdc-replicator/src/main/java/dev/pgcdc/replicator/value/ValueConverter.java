package dev.pgcdc.replicator.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.DateTimeException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Converts a column value from pgoutput's text form to a Jackson {@link JsonNode}, given the column's
 * type OID. Types are resolved through a {@link TypeCatalog}: domains convert as their base type,
 * enums and composites as text, arrays, ranges and multiranges element by element, hstore to an object;
 * the per-type choices are documented on the package-private parser classes. It never throws for a
 * value: text that does not parse as its declared type, and values of types the catalog does not know,
 * become a JSON string of the text. numeric values are BigDecimals: serialise with
 * {@code JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN} to print PostgreSQL's digits (without it
 * -0.000000100 prints as the equal -1.00E-7). Thread-safe if the catalog is; resolved conversions are
 * cached per OID, so build a new converter after reloading the catalog.
 */
public final class ValueConverter {

    /** Guards against a catalog whose domains or arrays refer to each other in a loop. */
    private static final int MAX_TYPE_NESTING = 16;

    private final TypeCatalog catalog;
    private final ConcurrentMap<Integer, TextConversion> conversions = new ConcurrentHashMap<>();

    public ValueConverter(TypeCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * Converts one value.
     *
     * @param typeOid the column's type OID from the Relation message
     * @param text the value's text output, or null for SQL NULL
     * @return a JSON null for a null text, otherwise the converted value; never null
     */
    public JsonNode toJson(int typeOid, String text) {
        return text == null ? NullNode.instance : convert(conversion(typeOid), text);
    }

    /**
     * {@link #toJson} for one type, resolved now: for the columns of a relation, whose values then skip
     * the per-value lookup. A type the catalog does not know yet is still looked up per value.
     */
    public Function<String, JsonNode> forType(int typeOid) {
        if (catalog.lookup(typeOid).isEmpty()) {
            return text -> toJson(typeOid, text);
        }
        TextConversion conversion = conversion(typeOid);
        return text -> text == null ? NullNode.instance : convert(conversion, text);
    }

    private static JsonNode convert(TextConversion conversion, String text) {
        try {
            return conversion.convert(text);
        } catch (IllegalArgumentException | DateTimeException e) {
            return TextNode.valueOf(text);
        }
    }

    /**
     * Returns pg_type.typname for the OID ("int4", "numeric", "_text" for text[], a user type's own name),
     * or empty if the catalog does not know the OID.
     */
    public Optional<String> typeName(int typeOid) {
        return catalog.lookup(typeOid).map(PgType::name);
    }

    private TextConversion conversion(int typeOid) {
        TextConversion cached = conversions.get(typeOid);
        if (cached != null) {
            return cached;
        }
        if (catalog.lookup(typeOid).isEmpty()) {
            // Not cached: the catalog may learn the type later.
            return BuiltinConversions.TEXT;
        }
        TextConversion resolved = resolve(typeOid, 0);
        conversions.put(typeOid, resolved);
        return resolved;
    }

    private TextConversion resolve(int typeOid, int depth) {
        Optional<PgType> found = catalog.lookup(typeOid);
        if (found.isEmpty() || depth > MAX_TYPE_NESTING) {
            return BuiltinConversions.TEXT;
        }
        PgType type = found.get();
        return switch (type.kind()) {
            case DOMAIN -> resolve(type.baseOid(), depth + 1);
            case RANGE -> RangeLiteral.range(resolve(type.elementOid(), depth + 1));
            case MULTIRANGE -> RangeLiteral.multirange(resolve(rangeSubtype(type), depth + 1));
            case ENUM, COMPOSITE, PSEUDO -> BuiltinConversions.TEXT;
            case BASE -> resolveBase(type, depth);
        };
    }

    private TextConversion resolveBase(PgType type, int depth) {
        if (type.isArray()) {
            char delimiter = catalog.lookup(type.elementOid()).map(PgType::delimiter).orElse(',');
            return new ArrayLiteral(resolve(type.elementOid(), depth + 1), delimiter);
        }
        if (type.name().equals("hstore")) {
            // An extension type, so its OID differs per database; its name is what identifies it.
            return HstoreLiteral::object;
        }
        return BuiltinConversions.forOid(type.oid());
    }

    /** A multirange's element is its range type; the bounds convert as that range's subtype. */
    private int rangeSubtype(PgType multirange) {
        return catalog.lookup(multirange.elementOid()).map(PgType::elementOid).orElse(0);
    }
}
