package dev.pgcdc.common.retry;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {

    private final FakeTime time = new FakeTime();
    private final AtomicInteger attempts = new AtomicInteger();

    @Test
    void returnsTheFirstResultWithoutWaiting() throws Exception {
        String result = retry(5).call(() -> "ok");

        assertThat(result).isEqualTo("ok");
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void retriesRetriableErrorsWaitingLongerEachTime() throws Exception {
        String result = retry(10).call(() -> {
            if (attempts.incrementAndGet() < 6) {
                throw new ConnectException("refused");
            }
            return "connected";
        });

        assertThat(result).isEqualTo("connected");
        assertThat(attempts).hasValue(6);
        assertThat(time.sleeps).containsExactly(ofMillis(100), ofMillis(200), ofMillis(400), ofMillis(800), ofSeconds(1));
        assertThat(time.clock.instant()).isEqualTo(java.time.Instant.parse("2024-05-01T00:00:02.500Z"));
    }

    @Test
    void givesUpAfterTheLastAttemptWithItsError() {
        IOException last = new IOException("still down");

        assertThatThrownBy(() -> retry(4).run(() -> {
            attempts.incrementAndGet();
            throw last;
        }))
                .isInstanceOfSatisfying(RetryFailedException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(4);
                    assertThat(e.fatal()).isFalse();
                })
                .hasMessage("reach the server failed 4 times; giving up (java.io.IOException)")
                .hasCause(last);
        assertThat(attempts).hasValue(4);
        assertThat(time.sleeps).hasSize(3);
    }

    @Test
    void stopsAtOnceOnAnErrorThatIsNotRetriable() {
        assertThatThrownBy(() -> retry(10).run(() -> {
            attempts.incrementAndGet();
            throw new IOException("wrapped", new AccessDeniedException("/data"));
        }))
                .isInstanceOfSatisfying(RetryFailedException.class, e -> {
                    assertThat(e.fatal()).isTrue();
                    assertThat(e.attempts()).isEqualTo(1);
                })
                .hasMessageContaining("reach the server failed with an error that is not retried");
        assertThat(attempts).hasValue(1);
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void treatsAnUnlistedRuntimeExceptionAsFatal() {
        assertThatThrownBy(() -> retry(10).run(() -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("bug");
        })).isInstanceOf(RetryFailedException.class).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void keepsTryingWithUnlimitedAttempts() throws Exception {
        Retry forever = Retry.builder("reach the server").unlimitedAttempts()
                .retryOn(Retriability.retryOn(IOException.class))
                .backoff(new Backoff(ofMillis(100), ofSeconds(30), 2.0, 0.0))
                .sleeper(time).random(() -> 0.0).listener((d, n, e, delay) -> { }).build();

        int result = forever.call(() -> {
            if (attempts.incrementAndGet() < 1_000) {
                throw new IOException("down");
            }
            return attempts.get();
        });

        assertThat(result).isEqualTo(1_000);
        assertThat(time.sleeps).hasSize(999);
        assertThat(time.sleeps.get(998)).isEqualTo(ofSeconds(30));
    }

    @Test
    void appliesTheRandomJitterToEachWait() throws Exception {
        Retry jittered = Retry.builder("reach the server").maxAttempts(3)
                .retryOn(Retriability.retryOn(IOException.class))
                .backoff(new Backoff(ofMillis(1000), ofSeconds(30), 2.0, 0.5))
                .sleeper(time).random(() -> 0.5).listener((d, n, e, delay) -> { }).build();

        assertThatThrownBy(() -> jittered.run(() -> {
            throw new IOException("down");
        })).isInstanceOf(RetryFailedException.class);

        assertThat(time.sleeps).containsExactly(ofMillis(750), ofMillis(1500));
    }

    @Test
    void tellsTheListenerAboutEachRetry() throws Exception {
        List<String> told = new ArrayList<>();
        Retry retry = Retry.builder("reach the server").maxAttempts(3)
                .retryOn(Retriability.retryOn(IOException.class))
                .backoff(new Backoff(ofMillis(100), ofSeconds(1), 2.0, 0.0))
                .sleeper(time).random(() -> 0.0)
                .listener((description, failed, error, delay) ->
                        told.add(description + " #" + failed + " " + error.getMessage() + " " + delay.toMillis()))
                .build();

        retry.call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("down " + attempts.get());
            }
            return null;
        });

        assertThat(told).containsExactly("reach the server #1 down 1 100", "reach the server #2 down 2 200");
    }

    @Test
    void stopsWhenInterruptedWhileWaiting() {
        Retry retry = Retry.builder("reach the server").unlimitedAttempts()
                .retryOn(Retriability.retryOn(IOException.class))
                .sleeper(duration -> {
                    throw new InterruptedException("shutdown");
                })
                .listener((d, n, e, delay) -> { }).build();

        assertThatThrownBy(() -> retry.run(() -> {
            attempts.incrementAndGet();
            throw new IOException("down");
        })).isInstanceOf(InterruptedException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void doesNotRetryAnAttemptCutShortByAnInterrupt() {
        try {
            assertThatThrownBy(() -> retry(10).run(() -> {
                attempts.incrementAndGet();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted read");
            })).isInstanceOf(InterruptedException.class);
            assertThat(attempts).hasValue(1);
            assertThat(Thread.currentThread().isInterrupted()).as("the exception carries the interrupt").isFalse();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void rethrowsAnInterruptedExceptionFromTheAttempt() {
        assertThatThrownBy(() -> retry(10).run(() -> {
            attempts.incrementAndGet();
            throw new InterruptedException();
        })).isInstanceOf(InterruptedException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void refusesToBuildWithoutAttemptsOrRetriability() {
        assertThatThrownBy(() -> Retry.builder("x").retryOn(Retriability.retryOn(IOException.class)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> Retry.builder("x").maxAttempts(3).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no error is retriable by default");
        assertThatThrownBy(() -> Retry.builder("x").maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private Retry retry(int maxAttempts) {
        return Retry.builder("reach the server")
                .maxAttempts(maxAttempts)
                .retryOn(Retriability.retryOn(IOException.class).butNotOn(AccessDeniedException.class))
                .backoff(new Backoff(ofMillis(100), Duration.ofSeconds(1), 2.0, 0.2))
                .sleeper(time)
                .random(() -> 0.0)
                .listener((description, failed, error, delay) -> { })
                .build();
    }
}
