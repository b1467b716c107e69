package dev.pgcdc.sink.kafka;

import dev.pgcdc.sink.SinkFatalException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that can never be applied to the dead-letter topic, unchanged (key, value,
 * headers) plus headers {@value #REASON}, {@value #TOPIC}, {@value #PARTITION} and
 * {@value #OFFSET}. A send waits for the broker's acknowledgement, so the record's offset may be
 * committed afterwards. Without a configured topic, {@link #send} stops the sink instead.
 *
 * <p>Called from the sink's loop thread only.
 */
public final class DeadLetters implements AutoCloseable {

    public static final String REASON = "pgcdc.dlq.reason";
    public static final String TOPIC = "pgcdc.dlq.topic";
    public static final String PARTITION = "pgcdc.dlq.partition";
    public static final String OFFSET = "pgcdc.dlq.offset";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final AtomicLong count = new AtomicLong();

    /** @param topic null when none is configured; then {@code producer} may be null too */
    public DeadLetters(String topic, Producer<byte[], byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    public void send(ConsumerRecord<byte[], byte[]> record, String reason) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (topic == null) {
            throw new SinkFatalException("record " + where + " can never be applied (" + reason + ") and no dead-letter"
                    + " topic is configured; set kafka.dead_letter_topic so such records are set aside, or fix the"
                    + " record. The sink stops here so that nothing is skipped silently.");
        }
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, record.key(), record.value());
        for (Header header : record.headers()) {
            out.headers().add(header);
        }
        out.headers().add(REASON, reason.getBytes(StandardCharsets.UTF_8));
        out.headers().add(TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        out.headers().add(PARTITION, Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        out.headers().add(OFFSET, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(out).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkFatalException("interrupted while dead-lettering " + where, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new SinkFatalException("could not write record " + where + " to dead-letter topic " + topic + ": "
                    + (e.getCause() == null ? e : e.getCause()) + "; the sink stops without committing past it", e);
        }
        long total = count.incrementAndGet();
        log.warn("dead-lettered {} to {} ({} so far): {}", where, topic, total, reason);
    }

    public long count() {
        return count.get();
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }
}
