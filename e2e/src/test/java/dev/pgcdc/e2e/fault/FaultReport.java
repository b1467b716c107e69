package dev.pgcdc.e2e.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Collects one row per fault trial set and, when the whole test run ends (the root context closes),
 * prints the table and writes it to {@code target/fault-report.md} (system property
 * {@code pgcdc.e2e.report}). Rows may be added from any thread.
 */
public final class FaultReport implements BeforeAllCallback {

    /** One line of the report. */
    record Row(String fault, int trials, long eventsWritten, long documentsVerified, long differences,
               long kafkaDuplicates) {
    }

    private static final ConcurrentLinkedQueue<Row> ROWS = new ConcurrentLinkedQueue<>();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FaultReport.class);

    static void add(String fault, int trials, long eventsWritten, long documentsVerified, long differences,
                    long kafkaDuplicates) {
        ROWS.add(new Row(fault, trials, eventsWritten, documentsVerified, differences, kafkaDuplicates));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Printer.class, k -> new Printer(), Printer.class);
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| fault | trials | events written | documents verified | differences | duplicates in Kafka |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            out.append(String.format("| %s | %d | %d | %d | %d | %d |%n", r.fault(), r.trials(), r.eventsWritten(),
                    r.documentsVerified(), r.differences(), r.kafkaDuplicates()));
        }
        return out.toString();
    }

    private static final class Printer implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final long started = System.nanoTime();

        @Override
        public void close() throws IOException {
            List<Row> rows = List.copyOf(ROWS);
            String text = "# Fault report\n\n" + table(rows) + String.format("%nsuite time: %d s%n",
                    (System.nanoTime() - started) / 1_000_000_000L);
            Path file = Path.of(System.getProperty("pgcdc.e2e.report", "target/fault-report.md"));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
            System.out.println();
            System.out.println(text);
        }
    }
}
