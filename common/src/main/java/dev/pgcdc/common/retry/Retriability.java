package dev.pgcdc.common.retry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides whether an error is worth another attempt, by the types in its cause chain and never by
 * message text. An error is retriable when some link of the chain is of a retriable type and no
 * link is fatal; fatal wins because a wrapped authentication failure stays an authentication
 * failure. An error nobody listed is fatal: retrying everything hides bugs and bad configuration.
 * Immutable and thread-safe.
 */
public final class Retriability {

    private final List<Class<? extends Throwable>> retriable;
    private final List<Predicate<Throwable>> fatal;

    private Retriability(List<Class<? extends Throwable>> retriable, List<Predicate<Throwable>> fatal) {
        this.retriable = List.copyOf(retriable);
        this.fatal = List.copyOf(fatal);
    }

    /** Errors with a link of one of these types (or subtypes) are retriable. */
    @SafeVarargs
    public static Retriability retryOn(Class<? extends Throwable>... types) {
        List<Class<? extends Throwable>> retriable = new ArrayList<>();
        for (Class<? extends Throwable> type : types) {
            retriable.add(type);
        }
        return new Retriability(retriable, List.of());
    }

    /** A copy where a link of one of these types makes the error fatal. */
    @SafeVarargs
    public final Retriability butNotOn(Class<? extends Throwable>... types) {
        List<Predicate<Throwable>> more = new ArrayList<>(fatal);
        for (Class<? extends Throwable> type : types) {
            more.add(type::isInstance);
        }
        return new Retriability(retriable, more);
    }

    /**
     * A copy where a link that matches makes the error fatal; for codes carried by a type, e.g.
     * {@code link -> link instanceof SQLException e && "28".equals(classOf(e.getSQLState()))}.
     * The predicate must look at types and codes, not at message text.
     */
    public Retriability butNotWhen(Predicate<Throwable> fatalLink) {
        List<Predicate<Throwable>> more = new ArrayList<>(fatal);
        more.add(fatalLink);
        return new Retriability(retriable, more);
    }

    public boolean isRetriable(Throwable error) {
        boolean anyRetriable = false;
        for (Throwable link : chain(error)) {
            for (Predicate<Throwable> isFatal : fatal) {
                if (isFatal.test(link)) {
                    return false;
                }
            }
            for (Class<? extends Throwable> type : retriable) {
                anyRetriable |= type.isInstance(link);
            }
        }
        return anyRetriable;
    }

    /** The error and its causes, each once (a cause chain may loop). */
    private static List<Throwable> chain(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> links = new ArrayList<>();
        for (Throwable link = error; link != null && seen.add(link); link = link.getCause()) {
            links.add(link);
        }
        return links;
    }
}
