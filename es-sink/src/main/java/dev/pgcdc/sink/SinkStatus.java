package dev.pgcdc.sink;

import dev.pgcdc.common.cli.TimeoutOption;
import dev.pgcdc.common.cli.ConfigFileOption;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.config.ConfigException;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.KafkaConfig;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.sink.kafka.KafkaSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code es-sink status}: the consumer group's state and, per partition of the subscribed topics,
 * the committed offset, the end offset and the lag between them. Read-only; works while the sink
 * runs. {@code --json} prints one JSON object for scripts.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the consumer group and its lag per partition (committed offset, end offset, lag).",
                "Read-only; safe while the sink runs."})
final class SinkStatus implements Callable<Integer> {

    @Mixin
    ConfigFileOption config;

    @Option(names = "--json", description = "Print one JSON object instead of a table")
    boolean json;

    @Mixin
    TimeoutOption timeout;

    /** One partition's position. {@code committed} is -1 when the group has committed nothing there. */
    record PartitionLag(String topic, int partition, long committed, long end) {
        long lag() {
            return committed < 0 ? end : Math.max(0, end - committed);
        }
    }

    /** What {@code status} reports. */
    record Report(String group, String state, int members, List<PartitionLag> partitions) {
        long totalLag() {
            return partitions.stream().mapToLong(PartitionLag::lag).sum();
        }
    }

    @Override
    public Integer call() {
        PgcdcConfig loaded = config.loadOrReport(Daemon.SINK, "es-sink status", System.err);
        if (loaded == null) {
            return ConfigFileOption.INVALID;
        }
        try {
            Report report = read(loaded.kafka(), timeout.duration());
            print(report, json, System.out);
            return 0;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            System.err.println("es-sink status: cannot read the consumer group from Kafka " + loaded.kafka().brokers()
                    + ": " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                    + "; run 'es-sink check' to see what is wrong");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    static Report read(KafkaConfig kafka, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        long millis = timeout.toMillis();
        try (Admin admin = Admin.create(KafkaSettings.admin(kafka, timeout))) {
            String state;
            int members;
            Map<TopicPartition, OffsetAndMetadata> committed;
            try {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(kafka.groupId()))
                        .describedGroups().get(kafka.groupId()).get(millis, TimeUnit.MILLISECONDS);
                state = group.groupState().toString();
                members = group.members().size();
                committed = admin.listConsumerGroupOffsets(kafka.groupId())
                        .partitionsToOffsetAndMetadata().get(millis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
                // Kafka 4 reports a group that never committed as absent.
                state = "NOT_CREATED";
                members = 0;
                committed = Map.of();
            }
            List<String> topics;
            Pattern pattern = KafkaSettings.topicRegex(kafka);
            if (pattern == null) {
                topics = List.of(kafka.topic());
            } else {
                topics = admin.listTopics().names().get(millis, TimeUnit.MILLISECONDS).stream()
                        .filter(name -> pattern.matcher(name).matches()).sorted().toList();
            }
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            for (TopicPartition partition : committed.keySet()) {
                wanted.put(partition, OffsetSpec.latest());
            }
            if (!topics.isEmpty()) {
                try {
                    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                            .get(millis, TimeUnit.MILLISECONDS);
                    described.values().forEach(d -> d.partitions().forEach(p ->
                            wanted.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = wanted.isEmpty() ? Map.of()
                    : admin.listOffsets(wanted).all().get(millis, TimeUnit.MILLISECONDS);
            Map<TopicPartition, PartitionLag> rows = new TreeMap<>(Comparator.comparing(TopicPartition::topic)
                    .thenComparingInt(TopicPartition::partition));
            for (TopicPartition partition : wanted.keySet()) {
                OffsetAndMetadata offset = committed.get(partition);
                var end = ends.get(partition);
                rows.put(partition, new PartitionLag(partition.topic(), partition.partition(),
                        offset == null ? -1 : offset.offset(), end == null ? -1 : end.offset()));
            }
            return new Report(kafka.groupId(), state, members, List.copyOf(rows.values()));
        }
    }

    static void print(Report report, boolean json, PrintStream out) {
        if (json) {
            ObjectNode root = ChangeEventCodec.MAPPER.createObjectNode();
            root.put("group", report.group());
            root.put("state", report.state());
            root.put("members", report.members());
            root.put("total_lag", report.totalLag());
            ArrayNode partitions = root.putArray("partitions");
            for (PartitionLag row : report.partitions()) {
                ObjectNode node = partitions.addObject();
                node.put("topic", row.topic());
                node.put("partition", row.partition());
                if (row.committed() >= 0) {
                    node.put("committed", row.committed());
                } else {
                    node.putNull("committed");
                }
                node.put("end", row.end());
                node.put("lag", row.lag());
            }
            out.println(root.toPrettyString());
            return;
        }
        out.println("consumer group  " + report.group() + " (" + report.state().toLowerCase(java.util.Locale.ROOT)
                + ", " + report.members() + (report.members() == 1 ? " member)" : " members)"));
        if (report.partitions().isEmpty()) {
            out.println("no partitions yet: the topic does not exist and the group has committed nothing");
            return;
        }
        int width = Math.max(5, report.partitions().stream().mapToInt(p -> p.topic().length()).max().orElse(5));
        out.printf("%-" + width + "s  %9s  %12s  %12s  %10s%n", "topic", "partition", "committed", "end", "lag");
        for (PartitionLag row : report.partitions()) {
            out.printf("%-" + width + "s  %9d  %12s  %12d  %10d%n", row.topic(), row.partition(),
                    row.committed() < 0 ? "-" : Long.toString(row.committed()), row.end(), row.lag());
        }
        out.println("total lag       " + report.totalLag() + " records"
                + report.partitions().stream().filter(p -> p.committed() < 0).findAny()
                        .map(p -> " (partitions without a commit count from offset 0)").orElse(""));
    }

    /** Lag per topic, for tests and summaries. */
    static Map<String, Long> lagByTopic(Report report) {
        return report.partitions().stream().collect(Collectors.groupingBy(PartitionLag::topic,
                TreeMap::new, Collectors.summingLong(PartitionLag::lag)));
    }
}
