package dev.pgcdc.devstack;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Names for databases, topics and indices that no other test in any JVM sharing the engines has used:
 * {@code prefix_<random>_<counter>}, lower case, at most 63 characters (PostgreSQL's identifier limit).
 */
public final class UniqueNames {

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final String RUN = Integer.toString(ThreadLocalRandom.current().nextInt(0x1000000, 0x7fffffff), 36);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private UniqueNames() {
    }

    /**
     * @param prefix lower-case letters, digits and underscores, starting with a letter, at most 40 characters;
     *               valid as a PostgreSQL identifier, Kafka topic and Elasticsearch index name
     */
    public static String next(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("prefix '" + prefix + "' must match " + PREFIX.pattern());
        }
        return prefix + "_" + RUN + "_" + COUNTER.incrementAndGet();
    }

}
