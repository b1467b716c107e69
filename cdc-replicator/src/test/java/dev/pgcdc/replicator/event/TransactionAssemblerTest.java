package dev.pgcdc.replicator.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pgcdc.common.Lsn;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEvent;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.common.event.Column;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.event.SnapshotMarker;
import dev.pgcdc.replicator.pgoutput.ColumnValue;
import dev.pgcdc.replicator.pgoutput.OldTuple;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Begin;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Commit;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Delete;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Insert;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.LogicalMessage;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation.ReplicaIdentity;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Truncate;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Update;
import dev.pgcdc.replicator.pgoutput.TupleData;
import dev.pgcdc.replicator.pgoutput.UnknownRelationException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransactionAssemblerTest {

    private static final int INT4 = 23;
    private static final int TEXT = 25;
    private static final Instant COMMIT_TIME = Instant.parse("2026-01-02T03:04:05.678Z");

    /** Integers become numbers, everything else text: enough to see values land in the right place. */
    private static final ColumnTypes TYPES = (oid, modifier) -> new ColumnType() {
        @Override
        public String name() {
            return oid == INT4 ? "int4" : "text";
        }

        @Override
        public JsonNode toJson(String text) {
            return oid == INT4 ? LongNode.valueOf(Long.parseLong(text)) : TextNode.valueOf(text);
        }
    };

    private final Recorder recorder = new Recorder();
    private Map<TableId, List<String>> primaryKeys = Map.of(new TableId("public", "users"), List.of("id"));
    private Map<TableId, List<String>> configuredKeys = Map.of();
    /** The rows {@link #LOOKUP} finds, by key; a null value stands for SQL NULL. */
    private final Map<Map<String, String>, Map<String, String>> currentRows = new HashMap<>();
    private final List<String> lookups = new ArrayList<>();

    private final RowLookup rowLookup = (table, xid, key, columns) -> {
        lookups.add(table + " xid " + xid + " " + key + " " + columns);
        Map<String, String> row = currentRows.get(key);
        if (row == null) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        columns.forEach(column -> values.put(column, row.get(column)));
        return Optional.of(values);
    };

    private EventSizeGuard sizeGuard = EventSizeGuard.NONE;

    private TransactionAssembler assembler(Lsn skipBefore) {
        TableKeys keys = new TableKeys() {
            @Override
            public boolean captured(TableId table) {
                return !table.table().equals("ignored");
            }

            @Override
            public List<String> primaryKey(TableId table) {
                return primaryKeys.getOrDefault(table, List.of());
            }

            @Override
            public List<String> configuredKey(TableId table) {
                return configuredKeys.getOrDefault(table, List.of());
            }
        };
        return new TransactionAssembler("slot", "db", "1.0", TYPES, keys, rowLookup, sizeGuard,
                Clock.fixed(Instant.parse("2026-01-02T03:04:06Z"), ZoneOffset.UTC), skipBefore);
    }

    private static Relation users(ReplicaIdentity identity) {
        boolean full = identity == ReplicaIdentity.FULL;
        return new Relation(16384, "public", "users", identity, List.of(
                new Relation.Column(1, "id", INT4, -1),
                new Relation.Column(full ? 1 : 0, "name", TEXT, -1),
                new Relation.Column(full ? 1 : 0, "bio", TEXT, -1)));
    }

    private static TupleData tuple(ColumnValue... values) {
        return new TupleData(Arrays.asList(values));
    }

    private static ColumnValue text(Object value) {
        return new ColumnValue.Text(String.valueOf(value));
    }

    private static Begin begin(long finalLsn, long xid) {
        return new Begin(finalLsn, COMMIT_TIME, xid);
    }

    private static Commit commit(long commitLsn, long endLsn) {
        return new Commit(0, commitLsn, endLsn, COMMIT_TIME);
    }

    @Test
    void aRowWhoseTextAloneExceedsTheRecordLimitStopsBeforeItsEventIsBuilt() {
        sizeGuard = new EventSizeGuard(100);
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.DEFAULT), 100, recorder);
        assembler.accept(new Insert(16384, tuple(text(1), text("a".repeat(60)), text("b".repeat(40)))), 110, recorder);

        assertThatThrownBy(() -> assembler.accept(new Insert(16384, tuple(text(2), text("a".repeat(60)),
                text("b".repeat(41)))), 120, recorder))
                .isInstanceOf(dev.pgcdc.replicator.FatalException.class)
                .hasMessageContaining("a change event is larger than the producer or broker allows: the values of a row of"
                        + " public.users")
                .hasMessageContaining("at least 101 bytes").hasMessageContaining("max.request.size (100 bytes)");
        assertThat(recorder.calls).as("the row of exactly 100 text bytes passes").containsExactly("begin 7 0/384", "c");
    }

    @Test
    void anInsertBecomesACreateWithEverySourceField() {
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.DEFAULT), 100, recorder);
        assembler.accept(new Insert(16384, tuple(text(1), text("ann"), ColumnValue.NULL)), 120, recorder);
        assembler.accept(commit(900, 950), 950, recorder);

        assertThat(recorder.calls).containsExactly("begin 7 0/384", "c", "commit 0/3B6");
        ChangeEvent event = recorder.events.get(0);
        assertThat(event.op()).isEqualTo(Op.CREATE);
        assertThat(event.before()).isNull();
        assertThat(event.after().toString()).isEqualTo("{\"id\":1,\"name\":\"ann\",\"bio\":null}");
        assertThat(event.key().toString()).isEqualTo("{\"id\":1}");
        assertThat(event.columns()).containsExactly(new Column("id", "int4", true), new Column("name", "text", false),
                new Column("bio", "text", false));
        assertThat(event.unchangedToast()).isEmpty();
        assertThat(event.tsMs()).isEqualTo(Instant.parse("2026-01-02T03:04:06Z").toEpochMilli());
        assertThat(event.source().lsn()).as("the change's own LSN").isEqualTo(120);
        assertThat(event.source().commitLsn()).as("Begin.finalLsn").isEqualTo(900);
        assertThat(event.source().sequence()).isZero();
        assertThat(event.source().txId()).isEqualTo(7);
        assertThat(event.source().tsMs()).isEqualTo(COMMIT_TIME.toEpochMilli());
        assertThat(event.source().snapshot()).isEqualTo(SnapshotMarker.FALSE);
        assertThat(event.source().name()).isEqualTo("slot");
        assertThat(event.source().db()).isEqualTo("db");
        assertThat(ChangeEventCodec.decode(ChangeEventCodec.encode(event))).as("round trip").isEqualTo(event);
    }

    @Test
    void anUnchangedToastValueIsLeftOutAndListed() {
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.DEFAULT), 100, recorder);
        assembler.accept(new Update(16384, Optional.empty(), tuple(text(1), text("bob"), ColumnValue.UNCHANGED_TOAST)),
                120, recorder);
        ChangeEvent event = recorder.events.get(0);
        assertThat(event.op()).isEqualTo(Op.UPDATE);
        assertThat(event.before()).as("no old tuple sent").isNull();
        assertThat(event.after().has("bio")).as("never nulled or replaced").isFalse();
        assertThat(event.unchangedToast()).containsExactly("bio");
        assertThat(lookups).as("the key did not change: the consumer keeps the value it has").isEmpty();
    }

    @Test
    void aKeyChangeReadsAnUnchangedToastValueByTheNewKey() {
        currentRows.put(Map.of("id", "2"), Map.of("id", "2", "name", "ann", "bio", "long bio"));
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.DEFAULT), 100, recorder);
        assembler.accept(new Update(16384,
                Optional.of(new OldTuple(OldTuple.Kind.KEY, tuple(text(1), ColumnValue.NULL, ColumnValue.NULL))),
                tuple(text(2), text("ann"), ColumnValue.UNCHANGED_TOAST)), 120, recorder);
        assertThat(recorder.calls).containsExactly("begin 7 0/384", "d", "c");
        ChangeEvent create = recorder.events.get(1);
        assertThat(lookups).containsExactly("public.users xid 7 {id=2} [bio]");
        assertThat(create.after().toString()).as("in column order")
                .isEqualTo("{\"id\":2,\"name\":\"ann\",\"bio\":\"long bio\"}");
        assertThat(create.unchangedToast()).isEmpty();
    }

    @Test
    void aKeyChangeCarriesANullReadByTheNewKey() {
        Map<String, String> row = new HashMap<>(Map.of("id", "2", "name", "ann"));
        row.put("bio", null);
        currentRows.put(Map.of("id", "2"), row);
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.DEFAULT), 100, recorder);
        assembler.accept(new Update(16384,
                Optional.of(new OldTuple(OldTuple.Kind.KEY, tuple(text(1), ColumnValue.NULL, ColumnValue.NULL))),
                tuple(text(2), text("ann"), ColumnValue.UNCHANGED_TOAST)), 120, recorder);
        ChangeEvent create = recorder.events.get(1);
        assertThat(create.after().toString()).isEqualTo("{\"id\":2,\"name\":\"ann\",\"bio\":null}");
        assertThat(create.unchangedToast()).isEmpty();
    }

    @Test
    void aKeyChangeWhoseNewKeyIsGoneKeepsTheColumnListedAsUnchanged() {
        currentRows.put(Map.of("id", "3"), Map.of("id", "3", "name", "ann", "bio", "long bio"));
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.DEFAULT), 100, recorder);
        assembler.accept(new Update(16384,
                Optional.of(new OldTuple(OldTuple.Kind.KEY, tuple(text(1), ColumnValue.NULL, ColumnValue.NULL))),
                tuple(text(2), text("ann"), ColumnValue.UNCHANGED_TOAST)), 120, recorder);
        ChangeEvent create = recorder.events.get(1);
        assertThat(lookups).containsExactly("public.users xid 7 {id=2} [bio]");
        assertThat(create.key().toString()).isEqualTo("{\"id\":2}");
        assertThat(create.after().has("bio")).as("not taken from another key's row, not nulled").isFalse();
        assertThat(create.unchangedToast()).containsExactly("bio");
    }

    @Test
    void aKeyChangeUnderReplicaIdentityFullTakesTheOldValueWithoutALookup() {
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.FULL), 100, recorder);
        assembler.accept(new Update(16384,
                Optional.of(new OldTuple(OldTuple.Kind.FULL, tuple(text(1), text("ann"), text("long bio")))),
                tuple(text(2), text("ann"), ColumnValue.UNCHANGED_TOAST)), 120, recorder);
        assertThat(recorder.calls).containsExactly("begin 7 0/384", "d", "c");
        assertThat(recorder.events.get(1).after().toString())
                .isEqualTo("{\"id\":2,\"name\":\"ann\",\"bio\":\"long bio\"}");
        assertThat(recorder.events.get(1).unchangedToast()).isEmpty();
        assertThat(lookups).isEmpty();
    }

    @Test
    void underReplicaIdentityFullTheOldValueFillsAnUnchangedToastColumn() {
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.FULL), 100, recorder);
        assembler.accept(new Update(16384,
                Optional.of(new OldTuple(OldTuple.Kind.FULL, tuple(text(1), text("ann"), text("long bio")))),
                tuple(text(1), text("bob"), ColumnValue.UNCHANGED_TOAST)), 120, recorder);
        ChangeEvent event = recorder.events.get(0);
        assertThat(event.op()).isEqualTo(Op.UPDATE);
        assertThat(event.key().toString()).as("catalog primary key, not every FULL-flagged column").isEqualTo("{\"id\":1}");
        assertThat(event.before().toString()).isEqualTo("{\"id\":1,\"name\":\"ann\",\"bio\":\"long bio\"}");
        assertThat(event.after().toString()).isEqualTo("{\"id\":1,\"name\":\"bob\",\"bio\":\"long bio\"}");
        assertThat(event.unchangedToast()).isEmpty();
    }

    @Test
    void aPrimaryKeyChangeBecomesADeleteOfTheOldKeyThenACreateOfTheNew() {
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.DEFAULT), 100, recorder);
        assembler.accept(new Update(16384,
                Optional.of(new OldTuple(OldTuple.Kind.KEY, tuple(text(1), ColumnValue.NULL, ColumnValue.NULL))),
                tuple(text(2), text("ann"), text("x"))), 120, recorder);
        assertThat(recorder.calls).containsExactly("begin 7 0/384", "d", "c");
        ChangeEvent delete = recorder.events.get(0);
        ChangeEvent create = recorder.events.get(1);
        assertThat(delete.key().toString()).isEqualTo("{\"id\":1}");
        assertThat(delete.before().toString()).as("only the old key columns, no invented nulls").isEqualTo("{\"id\":1}");
        assertThat(create.key().toString()).isEqualTo("{\"id\":2}");
        assertThat(create.after().toString()).isEqualTo("{\"id\":2,\"name\":\"ann\",\"bio\":\"x\"}");
        assertThat(List.of(delete.source().sequence(), create.source().sequence())).containsExactly(0L, 1L);
        assertThat(lookups).as("every value was sent").isEmpty();
    }

    @Test
    void aDeleteCarriesTheOldKeyOrTheWholeOldRow() {
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.DEFAULT), 100, recorder);
        assembler.accept(new Delete(16384, new OldTuple(OldTuple.Kind.KEY,
                tuple(text(1), ColumnValue.NULL, ColumnValue.NULL))), 120, recorder);
        assembler.accept(users(ReplicaIdentity.FULL), 130, recorder);
        assembler.accept(new Delete(16384, new OldTuple(OldTuple.Kind.FULL,
                tuple(text(2), text("b"), ColumnValue.NULL))), 140, recorder);
        assertThat(recorder.events).extracting(ChangeEvent::op).containsExactly(Op.DELETE, Op.DELETE);
        assertThat(recorder.events.get(0).before().toString()).isEqualTo("{\"id\":1}");
        assertThat(recorder.events.get(0).after()).isNull();
        assertThat(recorder.events.get(1).before().toString()).isEqualTo("{\"id\":2,\"name\":\"b\",\"bio\":null}");
        assertThat(recorder.events.get(1).key().toString()).isEqualTo("{\"id\":2}");
    }

    @Test
    void aTableWithoutPrimaryKeyUsesTheConfiguredKeyOrEveryColumnUnderFull() {
        primaryKeys = Map.of();
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.FULL), 100, recorder);
        assembler.accept(new Insert(16384, tuple(text(1), text("a"), text("b"))), 120, recorder);
        assertThat(recorder.events.get(0).key().toString()).isEqualTo("{\"id\":1,\"name\":\"a\",\"bio\":\"b\"}");

        configuredKeys = Map.of(new TableId("public", "users"), List.of("name", "id"));
        TransactionAssembler configured = assembler(null);
        configured.accept(begin(900, 7), 100, recorder);
        configured.accept(users(ReplicaIdentity.FULL), 100, recorder);
        configured.accept(new Insert(16384, tuple(text(1), text("a"), text("b"))), 120, recorder);
        assertThat(recorder.events.get(1).key().toString()).as("configured order").isEqualTo("{\"name\":\"a\",\"id\":1}");
    }

    @Test
    void aTruncateBecomesOneEventPerCapturedTable() {
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.DEFAULT), 100, recorder);
        assembler.accept(new Relation(99, "public", "ignored", ReplicaIdentity.DEFAULT,
                List.of(new Relation.Column(1, "id", INT4, -1))), 100, recorder);
        assembler.accept(new Truncate(List.of(16384, 99), false, false), 120, recorder);
        assertThat(recorder.events).hasSize(1);
        ChangeEvent truncate = recorder.events.get(0);
        assertThat(truncate.op()).isEqualTo(Op.TRUNCATE);
        assertThat(truncate.key()).isNull();
        assertThat(truncate.source().table()).isEqualTo("users");
    }

    @Test
    void changesOfTablesThatAreNotCapturedAreDropped() {
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(new Relation(99, "public", "ignored", ReplicaIdentity.NOTHING,
                List.of(new Relation.Column(0, "v", INT4, -1))), 100, recorder);
        assembler.accept(new Insert(99, tuple(text(5))), 120, recorder);
        assembler.accept(commit(900, 950), 950, recorder);
        assertThat(recorder.calls).containsExactly("begin 7 0/384", "commit 0/3B6");
    }

    @Test
    void transactionsBeforeTheStoredPositionAreSkippedWhole() {
        TransactionAssembler assembler = assembler(new Lsn(950));
        assembler.accept(users(ReplicaIdentity.DEFAULT), 50, recorder);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(new Insert(16384, tuple(text(1), text("a"), text("b"))), 120, recorder);
        assembler.accept(commit(900, 950), 950, recorder);
        assembler.accept(begin(1000, 8), 960, recorder);
        assembler.accept(new Insert(16384, tuple(text(2), text("a"), text("b"))), 970, recorder);
        assembler.accept(commit(1000, 1050), 1050, recorder);
        assertThat(recorder.calls).containsExactly("begin 8 0/3E8", "c", "commit 0/41A");
        assertThat(assembler.skippedTransactions()).isEqualTo(1);
    }

    @Test
    void heartbeatsAndOtherLogicalMessagesProduceNothing() {
        TransactionAssembler assembler = assembler(null);
        assembler.accept(new LogicalMessage(false, 100, "pgcdc_heartbeat", new byte[] {1}), 100, recorder);
        assertThat(recorder.calls).isEmpty();
        assertThat(assembler.inTransaction()).isFalse();
    }

    @Test
    void protocolOrderViolationsAreRejected() {
        TransactionAssembler assembler = assembler(null);
        assertThatThrownBy(() -> assembler.accept(new Insert(16384, tuple(text(1))), 1, recorder))
                .isInstanceOf(IllegalStateException.class);
        assembler.accept(begin(900, 7), 100, recorder);
        assertThatThrownBy(() -> assembler.accept(new Insert(5, tuple(text(1))), 1, recorder))
                .isInstanceOf(UnknownRelationException.class);
        assertThatThrownBy(() -> assembler.accept(begin(901, 8), 1, recorder)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void schemaChangesMidStreamUseTheNewRelation() {
        TransactionAssembler assembler = assembler(null);
        assembler.accept(begin(900, 7), 100, recorder);
        assembler.accept(users(ReplicaIdentity.DEFAULT), 100, recorder);
        assembler.accept(new Insert(16384, tuple(text(1), text("a"), text("b"))), 120, recorder);
        assembler.accept(new Relation(16384, "public", "users", ReplicaIdentity.DEFAULT, List.of(
                new Relation.Column(1, "id", INT4, -1), new Relation.Column(0, "age", INT4, -1))), 130, recorder);
        assembler.accept(new Insert(16384, tuple(text(2), text(40))), 140, recorder);
        assertThat(recorder.events.get(1).after().toString()).isEqualTo("{\"id\":2,\"age\":40}");
        assertThat(recorder.events.get(1).columns()).extracting(Column::name).containsExactly("id", "age");
    }

    private static final class Recorder implements TransactionListener {
        final List<String> calls = new ArrayList<>();
        final List<ChangeEvent> events = new ArrayList<>();

        @Override
        public void begin(long xid, Lsn commitLsn) {
            calls.add("begin " + xid + " " + commitLsn);
        }

        @Override
        public void change(ChangeEvent event) {
            calls.add(event.op().code());
            events.add(event);
        }

        @Override
        public void commit(Lsn endLsn) {
            calls.add("commit " + endLsn);
        }
    }
}
