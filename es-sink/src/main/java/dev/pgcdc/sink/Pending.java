package dev.pgcdc.sink;

import dev.pgcdc.sink.index.Plan;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A received record and what it does: a plan, or the reason it can never be applied.
 *
 * @param plan null when {@code poison} is set
 * @param poison why the record is not a usable change event; null for a good record
 */
public record Pending(ConsumerRecord<byte[], byte[]> record, Plan plan, String poison) {

    public TopicPartition partition() {
        return new TopicPartition(record.topic(), record.partition());
    }

    public long approximateBytes() {
        return plan == null ? 0 : plan.writes().stream().mapToLong(w -> w.approximateBytes()).sum();
    }
}
