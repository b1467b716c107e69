package dev.pgcdc.replicator.pgoutput;

import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers the latest {@link Relation} per relation id and the latest {@link Type} per type OID seen
 * on a replication stream, so that tuples are read against the table's shape at the time of the change:
 * after ALTER TABLE adds, drops or retypes a column the server sends a new Relation, which replaces the
 * old one here. Not thread-safe: confine it to the thread that reads the stream.
 */
public final class RelationCache {

    private final Map<Integer, Relation> relations = new HashMap<>();
    private final Map<Integer, Type> types = new HashMap<>();

    /**
     * Stores the message if it is a Relation or a Type, replacing any earlier one with the same id.
     *
     * @return true if the message was stored, false for every other kind of message
     */
    public boolean remember(PgOutputMessage message) {
        if (message instanceof Relation relation) {
            relations.put(relation.relationId(), relation);
            return true;
        }
        if (message instanceof Type type) {
            types.put(type.typeOid(), type);
            return true;
        }
        return false;
    }

    /**
     * Returns the latest Relation for the id; never null.
     *
     * @throws UnknownRelationException if no Relation with this id has been remembered
     */
    public Relation relation(int relationId) {
        Relation relation = relations.get(relationId);
        if (relation == null) {
            throw new UnknownRelationException(relationId);
        }
        return relation;
    }

    /** Returns the latest Type message for the OID; empty for built-in types, which pgoutput never names. */
    public Optional<Type> type(int typeOid) {
        return Optional.ofNullable(types.get(typeOid));
    }
}
