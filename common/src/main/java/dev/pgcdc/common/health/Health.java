package dev.pgcdc.common.health;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * A daemon's health as {@code /health} reports it. The daemon moves it through
 * {@link State#STARTING} → {@link State#READY} (connected and streaming or consuming), back to
 * {@link State#NOT_READY} while it waits for an engine or retries, and ends in
 * {@link State#STOPPING} or {@link State#FAILED}.
 *
 * <p>Live means the process does useful work or will again without a restart (every state but
 * {@code FAILED}); ready means {@code READY}. Thread-safe: the daemon's threads write, the HTTP
 * thread reads.
 */
public final class Health {

    /** Where the daemon is in its life. */
    public enum State { STARTING, READY, NOT_READY, STOPPING, FAILED }

    /**
     * A snapshot of the health.
     *
     * @param detail one human-readable line, e.g. "consuming cdc-events" or "Elasticsearch is not
     *     reachable"; never a credential
     * @param since when the state last changed
     */
    public record Status(State state, String detail, Instant since) {
        public boolean live() {
            return state != State.FAILED;
        }

        public boolean ready() {
            return state == State.READY;
        }
    }

    private final Clock clock;
    private volatile Status status;

    public Health(Clock clock) {
        this.clock = clock;
        this.status = new Status(State.STARTING, "starting", clock.instant());
    }

    public Status status() {
        return status;
    }

    public void starting(String detail) {
        set(State.STARTING, detail);
    }

    public void ready(String detail) {
        set(State.READY, detail);
    }

    public void notReady(String detail) {
        set(State.NOT_READY, detail);
    }

    public void stopping(String detail) {
        set(State.STOPPING, detail);
    }

    public void failed(String detail) {
        set(State.FAILED, detail);
    }

    private synchronized void set(State state, String detail) {
        Status current = status;
        String text = Objects.requireNonNullElse(detail, "");
        if (current.state() == State.FAILED) {
            return; // a fatal error is final
        }
        // Keep "since" when only the detail changes, so it tells how long the state has lasted.
        Instant since = current.state() == state ? current.since() : clock.instant();
        status = new Status(state, text, since);
    }
}
