package dev.pgcdc.e2e.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.devstack.ElasticsearchEndpoint;
import dev.pgcdc.devstack.EnginesExtension;
import dev.pgcdc.devstack.PostgresEndpoint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.Properties;
import org.apache.http.HttpHost;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How long the verifier takes on a large table ({@code -Dpgcdc.e2e.scale=1000000}); not part of the
 * regular suite. The index is bulk-loaded straight from the table (no pipeline), then one document is
 * changed and one deleted, and the verifier must find exactly those two.
 */
@ExtendWith(EnginesExtension.class)
@EnabledIfSystemProperty(named = "pgcdc.e2e.scale", matches = "\\d+")
@Timeout(1800)
class VerifierScaleIT {

    @Test
    void shouldCompareALargeTableInBoundedTime(PostgresEndpoint postgres, ElasticsearchEndpoint elasticsearch)
            throws Exception {
        int rows = Integer.getInteger("pgcdc.e2e.scale");
        String database = postgres.createFreshDatabase("scale");
        postgres.execute(database, "CREATE TABLE big (id bigint PRIMARY KEY, name text, balance numeric(12,2),"
                + " tags text[], created timestamptz, profile jsonb)",
                "INSERT INTO big SELECT g, 'name ' || g, g / 100.0, ARRAY['a' || (g % 10), NULL], now(),"
                        + " jsonb_build_object('n', g, 'm', md5(g::text)) FROM generate_series(1, " + rows + ") g");
        String yaml = "postgres:\n  host: " + postgres.host() + "\n  port: " + postgres.port() + "\n  user: "
                + postgres.superuser() + "\n  password: " + postgres.password() + "\n  dbname: " + database
                + "\n  slot_name: s\n  publication_name: p\n  tables: [public.big]\n"
                + "kafka:\n  brokers: [localhost:9092]\n"
                + "elasticsearch:\n  addresses: [" + elasticsearch.url() + "]\n  indexPrefix: scale_\n";
        PgcdcConfig config = ConfigLoader.parse(yaml, "test", Daemon.ANY, System::getenv);
        String index = config.elasticsearch().indexFor(TableId.parse("public.big"));
        long loadStarted = System.nanoTime();
        try (RestClient es = RestClient.builder(HttpHost.create(elasticsearch.url())).build()) {
            Request create = new Request("PUT", "/" + index);
            create.setJsonEntity("{\"settings\":{\"number_of_replicas\":0,\"refresh_interval\":\"-1\"}}");
            es.performRequest(create);
            Properties properties = new Properties();
            properties.setProperty("user", postgres.superuser());
            properties.setProperty("password", postgres.password());
            properties.setProperty("prepareThreshold", "0");
            try (Connection c = java.sql.DriverManager.getConnection(postgres.jdbcUrl(database), properties)) {
                PgTable table = new PgTable(c, TableId.parse("public.big"), List.of());
                ByteArrayOutputStream bulk = new ByteArrayOutputStream();
                int[] inBulk = {0};
                table.forEachRow(5_000, (id, row) -> {
                    try {
                        bulk.write(("{\"index\":{\"_index\":\"" + index + "\",\"_id\":\"" + id + "\"}}\n")
                                .getBytes(StandardCharsets.UTF_8));
                        row.putObject("_cdc").put("lsn", 1);
                        bulk.write(ChangeEventCodec.MAPPER.writeValueAsBytes(row));
                        bulk.write('\n');
                        if (++inBulk[0] == 5_000) {
                            send(es, bulk);
                            inBulk[0] = 0;
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                send(es, bulk);
            }
            System.out.printf("VerifierScaleIT: loaded %d documents in %d s%n", rows,
                    (System.nanoTime() - loadStarted) / 1_000_000_000L);
            postgres.execute(database, "UPDATE big SET name = 'changed' WHERE id = 7", "DELETE FROM big WHERE id = 8");
            try (Verifier verifier = new Verifier(config, 10)) {
                VerifyReport report = verifier.verify(TableId.parse("public.big"));
                System.out.println("VerifierScaleIT:\n" + report.summary());
                assertThat(report.different()).isEqualTo(1);
                assertThat(report.extra()).isEqualTo(1);
                assertThat(report.missing()).isZero();
            }
        }
    }

    private static void send(RestClient es, ByteArrayOutputStream bulk) throws Exception {
        if (bulk.size() == 0) {
            return;
        }
        Request request = new Request("POST", "/_bulk");
        request.setEntity(new ByteArrayEntity(bulk.toByteArray(), ContentType.create("application/x-ndjson")));
        var response = es.performRequest(request);
        String body = new String(response.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
        if (body.startsWith("{\"errors\":true") || body.contains("\"errors\":true")) {
            throw new IllegalStateException("bulk errors: " + body.substring(0, Math.min(500, body.length())));
        }
        bulk.reset();
    }
}
