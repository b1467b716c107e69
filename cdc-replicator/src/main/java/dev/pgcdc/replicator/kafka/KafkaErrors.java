package dev.pgcdc.replicator.kafka;

import dev.pgcdc.replicator.FatalException;
import dev.pgcdc.replicator.RetriableException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownProducerIdException;

/**
 * Sorts Kafka client failures by type, walking the cause chain: the client's
 * {@link org.apache.kafka.common.errors.RetriableException} family (timeouts, lost brokers,
 * leader changes), and idempotence-state errors that a new producer cures, are retriable; every
 * other error (authentication, authorization, a record too large, invalid configuration) is fatal.
 */
public final class KafkaErrors {

    private KafkaErrors() {
    }

    public static RuntimeException classify(String what, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
                return new FatalException(what + ": Kafka refused the credentials or the access (" + t.getClass().getSimpleName()
                        + "); fix kafka.properties (security.protocol, sasl.*) or the ACLs for this principal", error);
            }
            if (t instanceof RecordTooLargeException) {
                return new FatalException(what + ": a change event is larger than the producer or broker allows; raise"
                        + " kafka.producer max.request.size and the topic's max.message.bytes", error);
            }
            if (t instanceof org.apache.kafka.common.errors.RetriableException || t instanceof OutOfOrderSequenceException
                    || t instanceof UnknownProducerIdException || t instanceof InvalidProducerEpochException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return new RetriableException(what + ": " + t.getClass().getSimpleName() + ": " + t.getMessage(), error);
            }
        }
        return new FatalException(what + ": " + error, error);
    }

    /** True when a Kafka client exception is on the cause chain (for the retries metric's label). */
    public static boolean isKafka(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.kafka.common.KafkaException) {
                return true;
            }
        }
        return false;
    }
}
