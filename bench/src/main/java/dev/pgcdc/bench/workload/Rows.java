package dev.pgcdc.bench.workload;

import java.math.BigDecimal;
import java.util.SplittableRandom;

/**
 * Row contents of the benchmark tables, deterministic per id: {@code (id bigint primary key, name text,
 * amount numeric(12,2), payload jsonb, updated_at timestamptz)}, about 300 bytes per row as the
 * pgcdc event carries it (the jsonb payload is ~220 bytes of text).
 */
public final class Rows {

    public static final String DDL = "(id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL,"
            + " payload jsonb NOT NULL, updated_at timestamptz NOT NULL)";
    public static final String INSERT = " (id, name, amount, payload, updated_at) VALUES (?, ?, ?, ?::jsonb, now())";

    private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
        "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"};

    private Rows() {
    }

    public static String name(long id) {
        return "customer-" + String.format("%010d", id);
    }

    public static BigDecimal amount(long id, int version) {
        return BigDecimal.valueOf((id * 7919 + version * 104_729L) % 10_000_000, 2);
    }

    /** About 220 bytes of JSON. */
    public static String payload(long id, int version) {
        SplittableRandom random = new SplittableRandom(id * 31 + version);
        StringBuilder note = new StringBuilder();
        while (note.length() < 90) {
            note.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return "{\"sku\": \"SKU-" + (id % 100_000) + "\", \"qty\": " + random.nextInt(1, 500) + ", \"version\": " + version
                + ", \"tags\": [\"" + WORDS[random.nextInt(WORDS.length)] + "\", \"" + WORDS[random.nextInt(WORDS.length)]
                + "\"], \"address\": {\"city\": \"" + WORDS[random.nextInt(WORDS.length)] + "ville\", \"zip\": \""
                + random.nextInt(10_000, 99_999) + "\"}, \"note\": \"" + note.toString().trim() + "\"}";
    }
}
