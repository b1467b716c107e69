package dev.pgcdc.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Runs the local stack for the quick start and for manual testing: starts PostgreSQL, Kafka and
 * Elasticsearch, writes their endpoints as {@code KEY=value} lines to {@code DIR/engines.env} (readable by
 * {@code source} and by {@code docker --env-file}), prints them, and keeps running until SIGINT or SIGTERM,
 * then stops everything, deletes all data and removes the file.
 *
 * <p>Usage: {@code java -cp CLASSPATH dev.pgcdc.devstack.DevStackMain --dir DIR}. Exit codes: 0 after a
 * signal, 1 when an engine fails to start, 2 for bad arguments.
 */
public final class DevStackMain {

    /** Written once all engines are ready; absent while starting and after shutdown. */
    public static final String ENV_FILE = "engines.env";

    private DevStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = parseDir(args);
        useConsoleLoggingIfNoneConfigured();
        LocalEngines engines = new LocalEngines();
        Path envFile = dir.resolve(ENV_FILE);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(envFile);
                engines.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("devstack: stopping failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "pgcdc-devstack-stop"));
        Map<String, String> environment;
        try {
            long started = System.nanoTime();
            engines.startAll();
            environment = environment(engines);
            writeAtomically(envFile, environment);
            System.out.printf("devstack: all engines ready in %d ms; endpoints in %s%n",
                    (System.nanoTime() - started) / 1_000_000, envFile);
        } catch (RuntimeException e) {
            System.err.print("devstack: failed to start: ");
            e.printStackTrace();
            System.exit(1);
            return;
        }
        environment.forEach((key, value) -> System.out.println(key + "=" + value));
        System.out.println("devstack: running; press Ctrl-C (or send SIGTERM) to stop and delete all data");
        System.out.flush();
        stopped.await(); // only a signal ends the JVM; the hook above does the work
    }

    static Map<String, String> environment(LocalEngines engines) {
        PostgresServer postgres = engines.postgres();
        KafkaServer kafka = engines.kafka();
        ElasticsearchServer elasticsearch = engines.elasticsearch();
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PG_HOST", postgres.host());
        environment.put("PG_PORT", Integer.toString(postgres.port()));
        environment.put("PG_USER", postgres.superuser());
        environment.put("PG_PASSWORD", postgres.password());
        environment.put("PG_JDBC_URL", postgres.jdbcUrl("postgres"));
        environment.put("PG_BIN", postgres.binDir().toString());
        environment.put("KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        environment.put("ES_URL", elasticsearch.url());
        environment.put("ES_VERSION", elasticsearch.version());
        environment.put("DEVSTACK_PID", Long.toString(ProcessHandle.current().pid()));
        return environment;
    }

    private static void writeAtomically(Path file, Map<String, String> environment) {
        StringBuilder text = new StringBuilder("# pgcdc devstack endpoints; removed when the devstack stops\n");
        environment.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        try {
            Path temporary = Files.createTempFile(file.getParent(), ".engines", ".env");
            Files.writeString(temporary, text);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path parseDir(String[] args) {
        if (args.length != 2 || !args[0].equals("--dir")) {
            System.err.println("usage: java -cp CLASSPATH " + DevStackMain.class.getName() + " --dir DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            System.err.println("devstack: cannot create " + dir + ": " + e);
            System.exit(2);
        }
        return dir;
    }

    /** Without any SLF4J provider the progress log would vanish; fall back to plain console output. */
    private static void useConsoleLoggingIfNoneConfigured() {
        if (System.getProperty("slf4j.provider") == null
                && ServiceLoader.load(SLF4JServiceProvider.class).findFirst().isEmpty()) {
            System.setProperty("slf4j.provider", "dev.pgcdc.devstack.internal.ConsoleLoggerProvider");
            System.setProperty("pgcdc.log.warn", "org.apache.kafka");
        }
    }
}
