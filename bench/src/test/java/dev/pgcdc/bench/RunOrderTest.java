package dev.pgcdc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunOrderTest {

    private static final List<String> STEPS = List.of("replicator", "defaults", "pg_recvlogical", "debezium");

    @Test
    void oddRepetitionsKeepTheListedOrderAndEvenOnesReverseIt() {
        assertEquals(STEPS, RunOrder.forRepetition(STEPS, 1));
        assertEquals(List.of("debezium", "pg_recvlogical", "defaults", "replicator"), RunOrder.forRepetition(STEPS, 2));
        assertEquals(STEPS, RunOrder.forRepetition(STEPS, 3));
    }

    @Test
    void everyPairTakesEachPositionOverTwoRepetitions() {
        List<String> pair = List.of("sink", "raw bulk");
        assertEquals(List.of("sink", "raw bulk"), RunOrder.forRepetition(pair, 1));
        assertEquals(List.of("raw bulk", "sink"), RunOrder.forRepetition(pair, 2));
    }

    @Test
    void leavesTheCallersListAlone() {
        List<String> steps = new java.util.ArrayList<>(STEPS);
        RunOrder.forRepetition(steps, 2);
        assertEquals(STEPS, steps);
    }

    @Test
    void refusesARepetitionBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> RunOrder.forRepetition(STEPS, 0));
    }

    @Test
    void describesBothOrders() {
        assertEquals("sink, raw bulk in odd repetitions; raw bulk, sink in even ones",
                RunOrder.describe(List.of("sink", "raw bulk"), 3));
        assertEquals("sink, raw bulk", RunOrder.describe(List.of("sink", "raw bulk"), 1));
    }
}
