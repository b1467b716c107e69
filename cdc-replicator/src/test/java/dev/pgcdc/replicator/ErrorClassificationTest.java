package dev.pgcdc.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.replicator.kafka.KafkaErrors;
import dev.pgcdc.replicator.pg.PgErrors;
import java.io.EOFException;
import java.sql.SQLException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** Failures are sorted by type and SQLSTATE along the cause chain, never by message text. */
class ErrorClassificationTest {

    private static SQLException state(String sqlState) {
        return new SQLException("message text is not looked at", sqlState);
    }

    @Test
    void authenticationFailuresAreFatalAndNeverRetried() {
        assertThat(PgErrors.classify("x", state("28P01"))).isInstanceOf(FatalException.class)
                .hasMessageContaining("postgres.password");
        assertThat(PgErrors.classify("x", state("28000"))).isInstanceOf(FatalException.class);
        assertThat(KafkaErrors.classify("x", new SaslAuthenticationException("no"))).isInstanceOf(FatalException.class);
        assertThat(KafkaErrors.classify("x", new TopicAuthorizationException("no"))).isInstanceOf(FatalException.class);
    }

    @Test
    void lostConnectionsAndRestartingServersAreRetriable() {
        for (String sqlState : new String[] {"08006", "08001", "57P01", "57P03", "53300", "55006"}) {
            assertThat(PgErrors.classify("x", state(sqlState))).as(sqlState).isInstanceOf(RetriableException.class);
        }
        assertThat(PgErrors.classify("x", new RuntimeException(new EOFException()))).isInstanceOf(RetriableException.class);
        assertThat(KafkaErrors.classify("x", new TimeoutException("slow"))).isInstanceOf(RetriableException.class);
        assertThat(KafkaErrors.classify("x", new RuntimeException(new NetworkException("gone"))))
                .as("found along the cause chain").isInstanceOf(RetriableException.class);
    }

    @Test
    void aRefusedServerCertificateIsFatalThoughPgjdbcReportsItAsAConnectionFailure() {
        SQLException handshake = new SQLException("SSL error", "08006",
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed"));
        assertThat(PgErrors.classify("x", handshake)).isInstanceOf(FatalException.class)
                .hasMessageContaining("postgres.properties.sslrootcert");
        SQLException missingRoot = new SQLException("Could not open SSL root certificate file", "08006",
                new java.io.FileNotFoundException("/etc/ssl/missing.pem (No such file or directory)"));
        assertThat(PgErrors.classify("x", missingRoot)).isInstanceOf(FatalException.class)
                .hasMessageContaining("/etc/ssl/missing.pem").hasMessageContaining("sslrootcert");
    }

    @Test
    void otherErrorsAreFatal() {
        assertThat(PgErrors.classify("x", state("42501"))).isInstanceOf(FatalException.class);
        assertThat(PgErrors.classify("x", state("3D000"))).isInstanceOf(FatalException.class)
                .hasMessageContaining("postgres.dbname");
        assertThat(PgErrors.classify("x", state("58P01"))).isInstanceOf(FatalException.class);
        assertThat(KafkaErrors.classify("x", new RecordTooLargeException("big"))).isInstanceOf(FatalException.class)
                .hasMessageContaining("max.request.size");
    }
}
