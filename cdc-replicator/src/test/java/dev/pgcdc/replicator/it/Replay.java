package dev.pgcdc.replicator.it;

import dev.pgcdc.common.event.ChangeEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies {@code items(id, val)} events in (commit_lsn, sequence) order the way a sink would, and
 * counts duplicates (events with the same commit_lsn and sequence).
 */
record Replay(Map<Integer, Integer> rows, int events, int duplicates) {

    static Replay of(List<ChangeEvent> sorted) {
        Map<Integer, Integer> rows = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        for (ChangeEvent event : sorted) {
            if (!seen.add(event.source().commitLsn() + "/" + event.source().sequence())) {
                duplicates++;
            }
            int id = event.key().get("id").asInt();
            switch (event.op()) {
                case CREATE, UPDATE, READ -> rows.put(id, event.after().get("val").asInt());
                case DELETE -> rows.remove(id);
                case TRUNCATE -> rows.clear();
            }
        }
        return new Replay(rows, sorted.size(), duplicates);
    }

    /** Up to 20 ids whose value differs (missing, extra or stale), for a short assertion message. */
    static List<String> differences(Map<Integer, Integer> actual, Map<Integer, Integer> expected) {
        Set<Integer> ids = new java.util.TreeSet<>(actual.keySet());
        ids.addAll(expected.keySet());
        return ids.stream().filter(id -> !java.util.Objects.equals(actual.get(id), expected.get(id)))
                .limit(20).map(id -> id + ": kafka " + actual.get(id) + ", database " + expected.get(id)).toList();
    }
}
