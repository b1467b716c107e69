package dev.pgcdc.replicator.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Delete;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Insert;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation.Column;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Relation.ReplicaIdentity;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Type;
import dev.pgcdc.replicator.pgoutput.PgOutputMessage.Update;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RelationCacheTest {

    private final RelationCache cache = new RelationCache();

    @Test
    void lookingUpARelationThatWasNeverAnnouncedFailsNamingTheId() {
        assertThatThrownBy(() -> cache.relation(-2))
                .isInstanceOf(UnknownRelationException.class)
                .hasMessageContaining("relation id 4294967294")
                .satisfies(e -> assertThat(((UnknownRelationException) e).relationId()).isEqualTo(-2));
    }

    @Test
    void aNewerRelationForTheSameIdReplacesTheOlderOne() {
        Relation before = new Relation(16384, "public", "t", ReplicaIdentity.DEFAULT,
                List.of(new Column(1, "id", 23, -1), new Column(0, "gone", 25, -1)));
        Relation after = new Relation(16384, "public", "t", ReplicaIdentity.FULL,
                List.of(new Column(1, "id", 20, -1)));

        cache.remember(before);
        cache.remember(after);

        assertThat(cache.relation(16384)).isEqualTo(after);
    }

    @Test
    void remembersTypeMessagesAndIgnoresEverythingElse() {
        Type mood = new Type(16513, "public", "mood");

        assertThat(cache.remember(mood)).isTrue();
        assertThat(cache.remember(new PgOutputMessage.Begin(1, Instant.EPOCH, 2))).isFalse();
        assertThat(cache.type(16513)).contains(mood);
        assertThat(cache.type(23)).isEmpty();
    }

    @Test
    void everyRecordedChangeMatchesTheShapeOfTheLatestRelationEvenAcrossAlterTable() {
        int changes = 0;
        for (PgOutputMessage message : Stream.of("dml.tsv", "types.tsv")
                .flatMap(name -> RecordedMessage.load(name).stream())
                .map(RecordedMessage::decode)
                .toList()) {
            cache.remember(message);
            if (message instanceof Insert insert) {
                assertColumnCount(insert.relationId(), insert.newTuple());
                changes++;
            } else if (message instanceof Update update) {
                assertColumnCount(update.relationId(), update.newTuple());
                update.old().ifPresent(old -> assertColumnCount(update.relationId(), old.tuple()));
                changes++;
            } else if (message instanceof Delete delete) {
                assertColumnCount(delete.relationId(), delete.old().tuple());
                changes++;
            }
        }
        assertThat(changes).as("inserts, updates and deletes in dml.tsv and types.tsv").isEqualTo(25);
    }

    private void assertColumnCount(int relationId, TupleData tuple) {
        Relation relation = cache.relation(relationId);
        assertThat(tuple.size()).as("columns of %s", relation.name()).isEqualTo(relation.columns().size());
    }
}
