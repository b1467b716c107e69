package dev.pgcdc.replicator.pgoutput;

/**
 * Thrown when a change names a relation id for which no Relation message has been seen. pgoutput sends
 * the Relation before the first change to a table in every session, so this means the stream was read
 * from the middle or a message was lost; it is fatal for the session, and a new session starts clean.
 */
public final class UnknownRelationException extends RuntimeException {

    private final int relationId;

    public UnknownRelationException(int relationId) {
        super("no pgoutput Relation message has been seen for relation id " + Integer.toUnsignedString(relationId)
                + "; the server sends one before the first change to each table in a session, so the stream"
                + " was not read from the start of the session");
        this.relationId = relationId;
    }

    public int relationId() {
        return relationId;
    }
}
