package dev.pgcdc.replicator.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Begin;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Commit;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Delete;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Insert;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.LogicalMessage;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Origin;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation.Column;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation.ReplicaIdentity;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Truncate;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Type;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Update;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Decodes messages recorded from PostgreSQL 15 (see src/test/resources/pgoutput/README.md). */
class PgOutputDecoderTest {

    private static final ColumnValue NULL = ColumnValue.NULL;

    private final List<RecordedMessage> dmlRecording = RecordedMessage.load("dml.tsv");
    private final List<PgOutputMessage> dml = dmlRecording.stream().map(RecordedMessage::decode).toList();

    @Test
    void decodesEveryRecordedMessageOfEveryKind() {
        List<PgOutputMessage> all = Stream.of("dml.tsv", "types.tsv", "types-binary.tsv")
                .flatMap(name -> RecordedMessage.load(name).stream())
                .map(RecordedMessage::decode)
                .toList();

        assertThat(all).extracting(message -> message.getClass().getSimpleName()).contains(
                "Begin", "Commit", "Origin", "Relation", "Type", "Insert", "Update", "Delete", "Truncate",
                "LogicalMessage");
    }

    @Test
    void beginAndCommitCarryTheTransactionThatTheServerReported() {
        Begin begin = null;
        int transactions = 0;
        for (int i = 0; i < dml.size(); i++) {
            PgOutputMessage message = dml.get(i);
            RecordedMessage recorded = dmlRecording.get(i);
            if (message instanceof Begin b) {
                begin = b;
                assertThat(b.xid()).as("xid in Begin").isEqualTo(recorded.xid());
            } else if (message instanceof Commit commit) {
                assertThat(begin).as("a Begin precedes every Commit").isNotNull();
                assertThat(commit.commitLsn()).as("commit LSN").isEqualTo(begin.finalLsn());
                assertThat(commit.endLsn()).as("end LSN, reported by the server as the row's lsn")
                        .isEqualTo(recorded.lsn());
                assertThat(commit.commitTimestamp()).isEqualTo(begin.commitTimestamp());
                assertThat(commit.flags()).isZero();
                assertThat(commit.commitTimestamp()).isAfter(Instant.parse("2024-01-01T00:00:00Z"));
                begin = null;
                transactions++;
            }
        }
        assertThat(transactions).isEqualTo(12);
    }

    @Test
    void originMessageNamesTheOriginAndItsCommitLsnAndTheBeginCarriesTheOriginCommitTime() {
        int originIndex = indexOf(Origin.class);

        assertThat(dml.get(originIndex)).isEqualTo(new Origin(0xABCDEFL, "upstream"));
        Begin begin = (Begin) dml.get(originIndex - 1);
        // pg_replication_origin_xact_setup('0/ABCDEF', '2024-01-02 03:04:05.123456+00') set this time.
        assertThat(begin.commitTimestamp()).isEqualTo(Instant.parse("2024-01-02T03:04:05.123456Z"));
    }

    @Test
    void relationDescribesNamespaceReplicaIdentityKeysTypesAndModifiers() {
        Relation audited = firstRelation("audited");
        Relation accounts = firstRelation("accounts");

        assertThat(audited.namespace()).isEqualTo("public");
        assertThat(audited.replicaIdentity()).isEqualTo(ReplicaIdentity.FULL);
        // Under REPLICA IDENTITY FULL every column is part of the identity.
        // numeric(12,2) has typmod (12 << 16 | 2) + 4.
        assertThat(audited.columns()).containsExactly(
                new Column(1, "id", 23, -1),
                new Column(1, "amount", 1700, (12 << 16 | 2) + 4),
                new Column(1, "memo", 25, -1));
        assertThat(accounts.replicaIdentity()).isEqualTo(ReplicaIdentity.DEFAULT);
        assertThat(accounts.columns()).extracting(Column::name, Column::isKey, Column::typeOid).containsExactly(
                tuple("id", true, 23),
                tuple("name", false, 25),
                tuple("note", false, 25));
    }

    @Test
    void insertCarriesTextValuesInColumnOrder() {
        Insert insert = (Insert) dml.get(indexOf(Insert.class));

        assertThat(insert.relationId()).isEqualTo(firstRelation("accounts").relationId());
        assertThat(insert.newTuple()).isEqualTo(row(text("1"), text("alice"), text("short")));
    }

    @Test
    void updateThatChangesTheKeyCarriesTheOldKeyWithOtherColumnsNull() {
        Update update = updates().get(0);

        assertThat(update.old()).contains(new OldTuple(OldTuple.Kind.KEY, row(text("1"), NULL, NULL)));
        assertThat(update.newTuple()).isEqualTo(row(text("10"), text("alice"), text("short")));
    }

    @Test
    void updateThatLeavesAToastedValueAloneMarksItUnchangedInsteadOfSendingIt() {
        Insert bob = inserts().get(1);
        Update update = updates().get(1);

        assertThat(((ColumnValue.Text) bob.newTuple().get(2)).value()).hasSize(9000);
        assertThat(update.old()).isEmpty();
        assertThat(update.newTuple()).isEqualTo(row(text("2"), text("bobby"), ColumnValue.UNCHANGED_TOAST));
    }

    @Test
    void updateUnderReplicaIdentityFullCarriesTheWholeOldRow() {
        Update update = updates().get(2);

        assertThat(update.relationId()).isEqualTo(firstRelation("audited").relationId());
        assertThat(update.old()).contains(new OldTuple(OldTuple.Kind.FULL, row(text("1"), text("10.50"), text("m1"))));
        assertThat(update.newTuple()).isEqualTo(row(text("1"), text("11.75"), text("m1")));
    }

    @Test
    void deleteCarriesTheOldKeyOrUnderReplicaIdentityFullTheWholeRow() {
        List<Delete> deletes = ofType(Delete.class);

        assertThat(deletes).containsExactly(
                new Delete(firstRelation("accounts").relationId(),
                        new OldTuple(OldTuple.Kind.KEY, row(text("10"), NULL, NULL))),
                new Delete(firstRelation("audited").relationId(),
                        new OldTuple(OldTuple.Kind.FULL, row(text("1"), text("11.75"), text("m1")))));
    }

    @Test
    void truncateListsEveryTruncatedTableWithTheCascadeAndRestartIdentityOptions() {
        int parent = firstRelation("parent").relationId();
        int child = firstRelation("child").relationId();

        assertThat(ofType(Truncate.class)).containsExactly(
                new Truncate(List.of(parent, child), true, false),
                new Truncate(List.of(firstRelation("tickets").relationId()), false, true),
                new Truncate(List.of(firstRelation("audited").relationId()), false, false));
    }

    @Test
    void logicalMessagesCarryTheTransactionalFlagPrefixContentAndTheirLsn() {
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < dml.size(); i++) {
            if (dml.get(i) instanceof LogicalMessage) {
                indexes.add(i);
            }
        }

        LogicalMessage transactional = (LogicalMessage) dml.get(indexes.get(0));
        LogicalMessage standalone = (LogicalMessage) dml.get(indexes.get(1));
        assertThat(transactional.transactional()).isTrue();
        assertThat(transactional.prefix()).isEqualTo("p");
        assertThat(transactional.content()).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
        assertThat(dml.get(indexes.get(0) - 1)).as("inside a transaction").isInstanceOf(Begin.class);
        assertThat(standalone.transactional()).isFalse();
        assertThat(standalone.content()).isEqualTo("nontx".getBytes(StandardCharsets.UTF_8));
        assertThat(standalone.lsn()).isEqualTo(dmlRecording.get(indexes.get(1)).lsn());
        assertThat(dmlRecording.get(indexes.get(1)).xid()).as("outside any transaction").isZero();
    }

    @Test
    void schemaChangesMidStreamAreAnnouncedWithAFreshRelation() {
        List<Relation> accounts = ofType(Relation.class).stream()
                .filter(relation -> relation.name().equals("accounts"))
                .toList();

        assertThat(accounts).extracting(relation -> relation.columns().stream().map(Column::name).toList())
                .containsExactly(List.of("id", "name", "note"), List.of("id", "name", "note", "email"),
                        List.of("id", "name", "email"), List.of("id", "name", "email"));
        assertThat(accounts.get(3).columns().get(0).typeOid()).as("id retyped to bigint").isEqualTo(20);
    }

    @Test
    void typeMessagesNameUserTypesAndDomainsByTheirBaseType() {
        List<Type> types = RecordedMessage.load("types.tsv").stream()
                .map(RecordedMessage::decode)
                .filter(Type.class::isInstance)
                .map(Type.class::cast)
                .toList();

        assertThat(types).extracting(Type::namespace, Type::name).contains(
                tuple("public", "mood"),
                tuple("public", "hstore"),
                tuple("public", "floatrange"),
                tuple("public", "_mood"),
                // The domain posint is announced under its own OID but with its base type's name.
                tuple("pg_catalog", "int4"));
    }

    @Test
    void binaryTuplesCarryTheTypesSendFormat() {
        Insert first = RecordedMessage.load("types-binary.tsv").stream()
                .map(RecordedMessage::decode)
                .filter(Insert.class::isInstance)
                .map(Insert.class::cast)
                .findFirst()
                .orElseThrow();

        // scalars row 1: id 1, c_bool true, c_int2 32767, c_int4 -2147483648
        assertThat(first.newTuple().values().subList(0, 4)).containsExactly(
                new ColumnValue.Binary(new byte[] {0, 0, 0, 1}),
                new ColumnValue.Binary(new byte[] {1}),
                new ColumnValue.Binary(new byte[] {0x7F, (byte) 0xFF}),
                new ColumnValue.Binary(new byte[] {(byte) 0x80, 0, 0, 0}));
    }

    @Test
    void timestampsCountMicrosecondsFromTheYear2000() {
        long micros = 1_234_567L;
        ByteBuffer begin = MessageBytes.tag('B').int64(0x16_3002D50L).int64(micros).int32(-1).buffer();
        ByteBuffer beforeEpoch = MessageBytes.tag('B').int64(1).int64(-1).int32(7).buffer();

        assertThat(PgOutputDecoder.decode(begin))
                .isEqualTo(new Begin(0x16_3002D50L, Instant.parse("2000-01-01T00:00:01.234567Z"), 0xFFFF_FFFFL));
        assertThat(((Begin) PgOutputDecoder.decode(beforeEpoch)).commitTimestamp())
                .isEqualTo(Instant.parse("1999-12-31T23:59:59.999999Z"));
    }

    @Test
    void decodingLeavesTheCallersBufferAsItWas() {
        byte[] bytes = dmlRecording.get(2).bytes();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);

        PgOutputDecoder.decode(buffer);

        assertThat(buffer.position()).isZero();
        assertThat(buffer.limit()).isEqualTo(bytes.length);
    }

    @Test
    void decodesFromASliceOfALargerArrayAndFromADirectBuffer() {
        byte[] message = dmlRecording.get(2).bytes();
        byte[] padded = new byte[message.length + 10];
        System.arraycopy(message, 0, padded, 5, message.length);
        ByteBuffer slice = ByteBuffer.wrap(padded, 5, message.length).slice();
        ByteBuffer direct = ByteBuffer.allocateDirect(message.length).put(message).flip();

        assertThat(PgOutputDecoder.decode(slice)).isEqualTo(dml.get(2));
        assertThat(PgOutputDecoder.decode(direct)).isEqualTo(dml.get(2));
    }

    private int indexOf(Class<? extends PgOutputMessage> type) {
        for (int i = 0; i < dml.size(); i++) {
            if (type.isInstance(dml.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in dml.tsv");
    }

    private <T extends PgOutputMessage> List<T> ofType(Class<T> type) {
        return dml.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private List<Update> updates() {
        return ofType(Update.class);
    }

    private List<Insert> inserts() {
        return ofType(Insert.class);
    }

    private Relation firstRelation(String name) {
        Optional<Relation> relation = ofType(Relation.class).stream().filter(r -> r.name().equals(name)).findFirst();
        return relation.orElseThrow(() -> new AssertionError("no Relation " + name + " in dml.tsv"));
    }

    private static ColumnValue text(String value) {
        return new ColumnValue.Text(value);
    }

    private static TupleData row(ColumnValue... values) {
        return new TupleData(Arrays.asList(values));
    }
}
