package dev.pgcdc.common.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RetriabilityTest {

    private final Retriability io = Retriability.retryOn(IOException.class).butNotOn(AccessDeniedException.class);

    @Test
    void retriesAListedTypeAndItsSubtypes() {
        assertThat(io.isRetriable(new IOException())).isTrue();
        assertThat(io.isRetriable(new ConnectException("refused"))).isTrue();
    }

    @Test
    void findsARetriableTypeDeepInTheCauseChain() {
        Exception wrapped = new IllegalStateException("outer", new UncheckedIOException(new ConnectException("refused")));

        assertThat(io.isRetriable(wrapped)).isTrue();
    }

    @Test
    void treatsAFatalLinkAnywhereInTheChainAsFatal() {
        Exception wrapped = new IOException("retriable outside", new AccessDeniedException("/data"));

        assertThat(io.isRetriable(wrapped)).isFalse();
        assertThat(io.isRetriable(new AccessDeniedException("/data"))).isFalse();
    }

    @Test
    void treatsErrorsNobodyListedAsFatal() {
        assertThat(io.isRetriable(new IllegalStateException("timeout, please retry"))).isFalse();
        assertThat(io.isRetriable(new RuntimeException(new IllegalArgumentException()))).isFalse();
    }

    @Test
    void decidesByTypeWhateverTheMessageSays() {
        assertThat(io.isRetriable(new IOException("authentication failed"))).isTrue();
        assertThat(io.isRetriable(new AccessDeniedException("connection reset, temporary"))).isFalse();
    }

    @Test
    void appliesCodePredicatesToEveryLink() {
        Retriability sql = Retriability.retryOn(SQLException.class)
                .butNotWhen(link -> link instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("28"));

        assertThat(sql.isRetriable(new SQLException("lost", "08006"))).isTrue();
        assertThat(sql.isRetriable(new SQLException("password authentication failed", "28P01"))).isFalse();
        assertThat(sql.isRetriable(new SQLException("wrapper", "08006", new SQLException("auth", "28000")))).isFalse();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void walksACauseChainThatLoopsOnlyOnce() {
        IOException first = new IOException("first");
        IllegalStateException second = new IllegalStateException("second");
        first.initCause(second);
        second.initCause(first);

        assertThat(io.isRetriable(second)).isTrue();
        assertThat(Retriability.retryOn(ConnectException.class).isRetriable(second)).isFalse();
    }
}
