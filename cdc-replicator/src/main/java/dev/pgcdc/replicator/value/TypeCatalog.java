package dev.pgcdc.replicator.value;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds the {@link PgType} for a type OID. {@link BuiltinTypeCatalog} knows the built-in types; a
 * catalog loaded from pg_type covers enums, domains, extension types such as hstore, and user ranges,
 * and is chained in front of or behind it with {@link #orElse}. Implementations used by a shared
 * {@link ValueConverter} must be safe to call from several threads.
 */
@FunctionalInterface
public interface TypeCatalog {

    /** Returns the type with this OID, or empty when the catalog does not know it; never null. */
    Optional<PgType> lookup(int oid);

    /** Returns a catalog that asks this one first and {@code fallback} for OIDs this one does not know. */
    default TypeCatalog orElse(TypeCatalog fallback) {
        return oid -> {
            Optional<PgType> type = lookup(oid);
            return type.isPresent() ? type : fallback.lookup(oid);
        };
    }

    /**
     * Returns an immutable catalog of the given types, for instance rows read from pg_type.
     *
     * @throws IllegalStateException if two types share an OID
     */
    static TypeCatalog of(Collection<PgType> types) {
        Map<Integer, PgType> byOid = types.stream()
                .collect(Collectors.toUnmodifiableMap(PgType::oid, Function.identity()));
        return oid -> Optional.ofNullable(byOid.get(oid));
    }
}
