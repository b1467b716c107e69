package dev.pgcdc.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The order of a repetition's measured runs. A run that comes later in a repetition meets engines and
 * page caches that the runs before it warmed, and on a shared 2-core machine that moved a W1 sink run by
 * as much as the JVM options it was meant to compare; so odd repetitions run in the listed order and even
 * ones in the reverse order, and every compared pair takes each position equally often (over an odd
 * number of repetitions, one more time in the listed order, which keeps repetition 1 in the order that
 * creates what later runs need, such as the sink's index whose mapping raw bulk copies).
 */
final class RunOrder {

    private RunOrder() {
    }

    /** {@code steps} in the order repetition {@code repetition} (1-based) runs them. */
    static <T> List<T> forRepetition(List<T> steps, int repetition) {
        if (repetition < 1) {
            throw new IllegalArgumentException("repetitions count from 1, got " + repetition);
        }
        List<T> ordered = new ArrayList<>(steps);
        if (repetition % 2 == 0) {
            Collections.reverse(ordered);
        }
        return ordered;
    }

    /** How the report describes the order of {@code names} over the repetitions. */
    static String describe(List<String> names, int repetitions) {
        if (repetitions < 2 || names.size() < 2) {
            return String.join(", ", names);
        }
        return String.join(", ", names) + " in odd repetitions; " + String.join(", ", forRepetition(names, 2))
                + " in even ones";
    }
}
