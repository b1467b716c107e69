package dev.pgcdc.devstack;

/**
 * Child JVM for {@link WatchdogIT}: starts PostgreSQL and Kafka, prints their pids and instance
 * directories, then waits to be killed with SIGKILL, so that no close() or shutdown hook runs.
 */
public final class OrphanedEnginesMain {

    private OrphanedEnginesMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        PostgresServer postgres = PostgresServer.builder().start();
        KafkaServer kafka = KafkaServer.builder().start();
        System.out.println("ENGINE " + postgres.pid() + " " + postgres.dataDir().getParent());
        System.out.println("ENGINE " + kafka.pid() + " " + kafka.dataDir().getParent());
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
