/**
 * Real PostgreSQL, Kafka and Elasticsearch on 127.0.0.1 for integration tests and the quick start, without
 * Docker. Each engine runs as a child process with its own temporary directory, waits until it is really
 * ready, reports start failures with the tail of its log, and leaves nothing behind: not after
 * {@code close()}, not at JVM exit (shutdown hook), not even after {@code kill -9} of the JVM (a watchdog
 * process per engine).
 *
 * <p>In tests, let {@link dev.pgcdc.devstack.EnginesExtension} inject shared engines:
 *
 * <pre>{@code
 * @ExtendWith(EnginesExtension.class)
 * class OrdersIT {
 *     @Test
 *     void insertedRowReachesElasticsearch(PostgresEndpoint pg, KafkaEndpoint kafka, ElasticsearchEndpoint es)
 *             throws Exception {
 *         String db = pg.createFreshDatabase("orders");          // a new database for this test
 *         String topic = kafka.createFreshTopic("orders", 3);    // a new topic for this test
 *         String index = UniqueNames.next("orders");             // a name for an index
 *         pg.execute(db, "CREATE TABLE orders (id int PRIMARY KEY)");
 *         ...
 *     }
 *
 *     @Test
 *     void replicatorResumesAfterPostgresRestart(PostgresServer pg) {   // local engines only
 *         pg.stop(PostgresServer.Mode.FAST);
 *         ...
 *         pg.start();                                            // leave it running for others
 *     }
 * }
 * }</pre>
 *
 * <p>Tests needing an engine of their own (special settings, security on, destructive restarts) start
 * one directly: {@code try (KafkaServer kafka = KafkaServer.builder().brokerProperty("message.max.bytes",
 * "2000000").start()) {...}}.
 */
package dev.pgcdc.devstack;
