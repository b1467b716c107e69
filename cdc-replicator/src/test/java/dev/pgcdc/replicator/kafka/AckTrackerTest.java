package dev.pgcdc.replicator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgcdc.common.Lsn;
import org.junit.jupiter.api.Test;

class AckTrackerTest {

    private final AckTracker tracker = new AckTracker();

    @Test
    void confirmsACommitOnlyWhenEverySendIsAcknowledged() {
        tracker.begin();
        AckTracker.Ack first = tracker.track(10);
        AckTracker.Ack second = tracker.track(20);
        tracker.commit(new Lsn(100));
        assertThat(tracker.confirmable()).as("nothing acknowledged yet").isNull();
        second.acknowledged();
        assertThat(tracker.confirmable()).as("one of two acknowledged").isNull();
        first.acknowledged();
        assertThat(tracker.confirmable()).isEqualTo(new Lsn(100));
        assertThat(tracker.idle()).isTrue();
        assertThat(tracker.inFlightEvents()).isZero();
        assertThat(tracker.inFlightBytes()).isZero();
    }

    @Test
    void neverConfirmsInsideAnOpenTransaction() {
        tracker.begin();
        tracker.track(1).acknowledged();
        assertThat(tracker.confirmable()).as("transaction not committed yet").isNull();
        assertThat(tracker.idle()).isFalse();
    }

    @Test
    void aLaterTransactionWaitsForAnEarlierOne() {
        tracker.begin();
        AckTracker.Ack slow = tracker.track(1);
        tracker.commit(new Lsn(100));
        tracker.begin();
        tracker.track(1).acknowledged();
        tracker.commit(new Lsn(200));
        assertThat(tracker.confirmable()).as("tx 2 is complete but tx 1 is not").isNull();
        slow.acknowledged();
        assertThat(tracker.confirmable()).as("both complete: the run ends at tx 2").isEqualTo(new Lsn(200));
    }

    @Test
    void emptyTransactionsAreConfirmableAtOnce() {
        tracker.begin();
        tracker.commit(new Lsn(300));
        assertThat(tracker.confirmable()).isEqualTo(new Lsn(300));
    }

    @Test
    void aFailedSendBlocksConfirmationForGood() {
        tracker.begin();
        AckTracker.Ack failing = tracker.track(5);
        tracker.commit(new Lsn(100));
        tracker.begin();
        tracker.track(5).acknowledged();
        tracker.commit(new Lsn(200));
        RuntimeException error = new RuntimeException("broker gone");
        failing.failed(error);
        assertThat(tracker.confirmable()).as("fail closed").isNull();
        assertThat(tracker.failure()).isSameAs(error);
        assertThat(tracker.inFlightEvents()).as("the failed send no longer counts as in flight").isZero();
    }

    @Test
    void sendsOutsideATransactionAreRejected() {
        assertThatThrownBy(() -> tracker.track(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tracker.commit(new Lsn(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void callbacksFromAnotherThreadAreSeen() throws Exception {
        tracker.begin();
        AckTracker.Ack[] acks = new AckTracker.Ack[10_000];
        for (int i = 0; i < acks.length; i++) {
            acks[i] = tracker.track(3);
        }
        tracker.commit(new Lsn(42));
        Thread io = new Thread(() -> {
            for (AckTracker.Ack ack : acks) {
                ack.acknowledged();
            }
        });
        io.start();
        io.join();
        assertThat(tracker.confirmable()).isEqualTo(new Lsn(42));
        assertThat(tracker.inFlightBytes()).isZero();
    }
}
