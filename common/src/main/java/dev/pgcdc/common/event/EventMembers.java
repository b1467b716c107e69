package dev.pgcdc.common.event;

import com.fasterxml.jackson.core.io.SerializedString;

/**
 * The member names of the canonical change-event encoding, in the order {@link ChangeEventWriter}
 * writes them and {@link ChangeEventReader} expects them: one list, so the two cannot drift apart.
 * {@code KEY} and {@code NAME} also name the members of a column entry, {@code TYPE} its type.
 */
final class EventMembers {

    static final SerializedString BEFORE = new SerializedString("before");
    static final SerializedString AFTER = new SerializedString("after");
    static final SerializedString OP = new SerializedString("op");
    static final SerializedString TS_MS = new SerializedString("ts_ms");
    static final SerializedString SOURCE = new SerializedString("source");
    static final SerializedString KEY = new SerializedString("key");
    static final SerializedString COLUMNS = new SerializedString("columns");
    static final SerializedString UNCHANGED_TOAST = new SerializedString("unchanged_toast");
    static final SerializedString VERSION = new SerializedString("version");
    static final SerializedString CONNECTOR = new SerializedString("connector");
    static final SerializedString NAME = new SerializedString("name");
    static final SerializedString DB = new SerializedString("db");
    static final SerializedString SCHEMA = new SerializedString("schema");
    static final SerializedString TABLE = new SerializedString("table");
    static final SerializedString TX_ID = new SerializedString("txId");
    static final SerializedString LSN = new SerializedString("lsn");
    static final SerializedString COMMIT_LSN = new SerializedString("commit_lsn");
    static final SerializedString SEQUENCE = new SerializedString("sequence");
    static final SerializedString SNAPSHOT = new SerializedString("snapshot");
    static final SerializedString TYPE = new SerializedString("type");

    private EventMembers() {
    }
}
