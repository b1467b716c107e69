package dev.pgcdc.sink.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.config.TableId;
import dev.pgcdc.common.event.Op;
import dev.pgcdc.common.metrics.Metrics;
import dev.pgcdc.common.metrics.ReplicatorMetrics;
import dev.pgcdc.common.metrics.SinkMetrics;
import dev.pgcdc.sink.index.IndexNames;
import dev.pgcdc.sink.index.Templates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so the Docker set-up is checked as files: docker-compose.yml, the
 * Dockerfiles, the pipeline config, Prometheus, Grafana and Kibana files are well-formed and agree
 * with each other and with the code (metric names from the daemons' registries, index and field
 * names from the sink's templates).
 */
class DockerFilesTest {

    private static final Path DOCKER = Path.of("..", "docker");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ENV = Map.of("PGCDC_POSTGRES_PASSWORD", "p", "PGCDC_ES_PASSWORD", "e");

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        compose = yaml(DOCKER.resolve("docker-compose.yml"));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object parsed = new Yaml(options).load(Files.readString(file, StandardCharsets.UTF_8));
        assertThat(parsed).as(file + " is a YAML mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) parsed;
    }

    private static PgcdcConfig config(Daemon daemon) {
        try {
            return ConfigLoader.load(DOCKER.resolve("pgcdc/config.yaml"), daemon, ENV);
        } catch (RuntimeException e) {
            throw new AssertionError("docker/pgcdc/config.yaml does not load for " + daemon + ": " + e.getMessage(), e);
        }
    }

    @Test
    void shouldHaveTheServicesTheReadmePromises() {
        assertThat(services).containsKeys("postgres", "kafka", "elasticsearch", "kibana", "setup", "kibana-setup",
                "cdc-replicator", "es-sink", "prometheus", "grafana");
        assertThat(services.get("prometheus").get("profiles")).asList().containsExactly("monitoring");
        assertThat(services.get("grafana").get("profiles")).asList().containsExactly("monitoring");
        assertThat(String.valueOf(services.get("postgres").get("command"))).contains("wal_level=logical");
        assertThat(String.valueOf(services.get("kafka").get("environment"))).contains("KAFKA_PROCESS_ROLES=broker,controller");
        assertThat(String.valueOf(services.get("elasticsearch").get("environment")))
                .contains("xpack.security.enabled=true");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPinEveryImageAndReferenceOnlyExistingServicesVolumesAndFiles() throws IOException {
        Set<String> volumes = ((Map<String, Object>) compose.get("volumes")).keySet();
        services.forEach((name, service) -> {
            assertThat(service.containsKey("image") || service.containsKey("build")).as(name + " has an image or a build")
                    .isTrue();
            if (service.get("image") instanceof String image && !service.containsKey("build")) {
                assertPinned(name, image);
            }
            if (service.get("build") instanceof Map<?, ?> build) {
                Path context = DOCKER.resolve(String.valueOf(build.get("context")));
                assertThat(context.resolve(String.valueOf(build.get("dockerfile")))).as(name + "'s Dockerfile").isRegularFile();
            }
            Object dependsOn = service.get("depends_on");
            Iterable<String> dependencies = dependsOn instanceof Map<?, ?> map ? (Iterable<String>) map.keySet()
                    : dependsOn instanceof List<?> list ? (Iterable<String>) list : List.of();
            for (String dependency : dependencies) {
                assertThat(services).as(name + " depends on " + dependency).containsKey(dependency);
                if (dependsOn instanceof Map<?, ?> map && map.get(dependency) instanceof Map<?, ?> condition
                        && "service_healthy".equals(condition.get("condition"))) {
                    assertThat(services.get(dependency)).as(name + " waits for " + dependency + " to be healthy, so it"
                            + " needs a healthcheck").containsKey("healthcheck");
                }
            }
            for (Object mount : (List<Object>) service.getOrDefault("volumes", List.of())) {
                String source = String.valueOf(mount).split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(DOCKER.resolve(source)).as(name + " mounts " + source).exists();
                } else {
                    assertThat(volumes).as(name + " mounts named volume " + source).contains(source);
                }
            }
        });
        for (String dockerfile : List.of("Dockerfile.cdc-replicator", "Dockerfile.es-sink")) {
            String text = Files.readString(DOCKER.resolve(dockerfile));
            Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(text);
            int images = 0;
            while (from.find()) {
                assertPinned(dockerfile, from.group(1));
                images++;
            }
            assertThat(images).as(dockerfile + " is multi-stage").isEqualTo(2);
            assertThat(text).as(dockerfile).containsPattern("(?m)^USER pgcdc$").contains("HEALTHCHECK", "/health/ready");
        }
    }

    private static void assertPinned(String where, String image) {
        assertThat(image).as(where + ": image " + image + " is pinned to a version").matches("[^:@]+(:[^:]*\\d[^:]*|@sha256:.+)")
                .doesNotEndWith(":latest");
    }

    @Test
    void shouldAgreeOnPortsBetweenConfigComposeDockerfilesAndPrometheus() throws IOException {
        PgcdcConfig replicator = config(Daemon.REPLICATOR);
        PgcdcConfig sink = config(Daemon.SINK);
        int replicatorPort = replicator.metrics().replicatorPort();
        int sinkPort = sink.metrics().sinkPort();
        assertThat(replicator.metrics().host()).as("containers must listen on every interface").isEqualTo("0.0.0.0");
        assertThat(String.valueOf(services.get("cdc-replicator").get("ports"))).contains(":" + replicatorPort);
        assertThat(String.valueOf(services.get("es-sink").get("ports"))).contains(":" + sinkPort);
        assertThat(Files.readString(DOCKER.resolve("Dockerfile.cdc-replicator"))).contains("/dev/tcp/127.0.0.1/" + replicatorPort);
        assertThat(Files.readString(DOCKER.resolve("Dockerfile.es-sink"))).contains("/dev/tcp/127.0.0.1/" + sinkPort);

        Set<String> targets = new TreeSet<>();
        Matcher target = Pattern.compile("\"([a-z-]+):(\\d+)\"").matcher(Files.readString(DOCKER.resolve("prometheus/prometheus.yml")));
        yaml(DOCKER.resolve("prometheus/prometheus.yml"));
        while (target.find()) {
            assertThat(services).as("Prometheus scrapes " + target.group(1)).containsKey(target.group(1));
            targets.add(target.group(1) + ":" + target.group(2));
        }
        assertThat(targets).containsExactly("cdc-replicator:" + replicatorPort, "es-sink:" + sinkPort);
        // Names the daemons connect to are compose services.
        assertThat(services).containsKey(replicator.postgres().host());
        assertThat(services).containsKey(sink.kafka().brokers().get(0).split(":")[0]);
        assertThat(services).containsKey(sink.elasticsearch().addresses().get(0).replaceAll("https?://([^:/]+).*", "$1"));
    }

    @Test
    void shouldCreateTheConfiguredRoleTablesAndPublicationInThePostgresInitScripts() throws IOException {
        PgcdcConfig config = config(Daemon.REPLICATOR);
        String schema = Files.readString(DOCKER.resolve("postgres/sample-schema.sql"));
        String init = Files.readString(DOCKER.resolve("postgres/init.sh"));
        assertThat(String.valueOf(services.get("postgres").get("volumes")))
                .as("the schema runs before the role script, which grants on its tables")
                .contains("./postgres/sample-schema.sql:/docker-entrypoint-initdb.d/01-sample-schema.sql",
                        "./postgres/init.sh:/docker-entrypoint-initdb.d/10-pgcdc.sh");
        assertThat(init).contains("CREATE ROLE " + config.postgres().user() + " WITH LOGIN REPLICATION",
                "CREATE PUBLICATION " + config.postgres().publicationName() + " FOR TABLE");
        for (TableId table : config.postgres().tableIds()) {
            assertThat(schema).contains("CREATE TABLE " + table.table() + " (");
            assertThat(init).contains("GRANT SELECT ON")
                    .containsPattern("GRANT SELECT ON [^;]*\\b" + table.table() + "\\b");
        }
        assertThat(String.valueOf(services.get("postgres").get("environment"))).contains("POSTGRES_DB=" + config.postgres().dbname());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldProvisionGrafanaWithADashboardWhoseMetricsTheDaemonsRegister() throws IOException {
        Map<String, Object> datasources = yaml(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml"));
        Map<String, Object> datasource = ((List<Map<String, Object>>) datasources.get("datasources")).get(0);
        assertThat(String.valueOf(datasource.get("url"))).isEqualTo("http://prometheus:9090");
        Map<String, Object> providers = yaml(DOCKER.resolve("grafana/provisioning/dashboards/pgcdc.yml"));
        String path = String.valueOf(((Map<String, Object>) ((List<Map<String, Object>>) providers.get("providers"))
                .get(0).get("options")).get("path"));
        assertThat(String.valueOf(services.get("grafana").get("volumes"))).contains("./grafana/dashboards:" + path);

        JsonNode dashboard = JSON.readTree(DOCKER.resolve("grafana/dashboards/pgcdc.json").toFile());
        assertThat(dashboard.path("uid").asText()).isNotEmpty();
        Set<String> used = new TreeSet<>();
        Pattern metricName = Pattern.compile("\\b((?:pgcdc|jvm|process|system)_[a-z0-9_]+)\\b");
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText()).as("panel " + panel.path("title"))
                    .isEqualTo(datasource.get("uid"));
            assertThat(panel.path("targets")).as("panel " + panel.path("title") + " has queries").isNotEmpty();
            for (JsonNode query : panel.path("targets")) {
                Matcher matcher = metricName.matcher(query.path("expr").asText());
                while (matcher.find()) {
                    used.add(matcher.group(1));
                }
            }
        }
        Set<String> registered = registeredSampleNames();
        assertThat(used).as("metric names on the Grafana dashboard").isNotEmpty();
        assertThat(registered).as("sample names the daemons register").containsAll(used);
        // Every headline metric of issue 6 is on the dashboard.
        assertThat(used).contains("pgcdc_replicator_events_total", "pgcdc_sink_events_total", "pgcdc_replicator_lag_bytes",
                "pgcdc_replicator_lag_seconds", "pgcdc_replicator_kafka_send_seconds_bucket", "pgcdc_sink_bulk_seconds_bucket",
                "pgcdc_sink_bulk_actions_sum", "pgcdc_sink_retries_total", "pgcdc_sink_dead_lettered_total",
                "pgcdc_sink_consumer_lag_records", "pgcdc_replicator_snapshot_rows", "jvm_memory_used_bytes");
    }

    /** Every sample name in a scrape of both daemons' registries, with each meter recorded once. */
    private static Set<String> registeredSampleNames() {
        try (Metrics metrics = new Metrics("test", "0")) {
            SinkMetrics sink = new SinkMetrics(metrics.registry(), Clock.systemUTC());
            ReplicatorMetrics replicator = new ReplicatorMetrics(metrics.registry(), Clock.systemUTC());
            TableId table = new TableId("public", "t");
            sink.applied(table, Op.CREATE, 1);
            sink.bulk(Duration.ofMillis(1), 1, 1, true);
            sink.consumerLag("topic", 0, 0);
            replicator.sent(table, Op.CREATE, 1);
            replicator.retry("postgres");
            replicator.snapshotTable(table, () -> 1, () -> 1, () -> 1, () -> 1, () -> 0);
            Set<String> names = new HashSet<>();
            for (String line : metrics.scrape().split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
            return names;
        }
    }

    @Test
    void shouldImportKibanaObjectsThatReferenceEachOtherAndTheSinksFields() throws IOException {
        PgcdcConfig config = config(Daemon.SINK);
        IndexNames names = new IndexNames(config.elasticsearch(), config.sink());
        Templates templates = new Templates(names, config.sink().metadataField());
        JsonNode changeLogFields = templates.changeLog().path("template").path("mappings").path("properties");
        assertThat(config.sink().changeLog()).as("the dashboard reads the change log, so compose turns it on").isTrue();

        List<JsonNode> objects = new ArrayList<>();
        for (String line : Files.readAllLines(DOCKER.resolve("kibana/pgcdc.ndjson"))) {
            if (!line.isBlank()) {
                objects.add(JSON.readTree(line));
            }
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode object : objects) {
            assertThat(object.path("type").asText()).isIn("index-pattern", "visualization", "dashboard");
            assertThat(ids.add(object.path("type").asText() + "/" + object.path("id").asText())).as("unique id").isTrue();
        }
        Map<String, JsonNode> dataViews = new java.util.HashMap<>();
        for (JsonNode object : objects) {
            for (JsonNode reference : object.path("references")) {
                assertThat(ids).as(object.path("id") + " references " + reference)
                        .contains(reference.path("type").asText() + "/" + reference.path("id").asText());
            }
            if (object.path("type").asText().equals("index-pattern")) {
                dataViews.put(object.path("id").asText(), object);
            }
        }
        JsonNode changes = dataViews.get("pgcdc-changes");
        assertThat(glob(changes.path("attributes").path("title").asText()))
                .as("the change-log data view matches the change-log index").accepts(names.changeLog(new TableId("public", "orders")));
        assertThat(changeLogFields.path(changes.path("attributes").path("timeFieldName").asText()).path("type").asText())
                .isEqualTo("date");
        JsonNode mirrors = dataViews.get("pgcdc-mirrors");
        assertThat(mirrors.path("attributes").path("title").asText()).isEqualTo(config.elasticsearch().indexPrefix() + "*");
        assertThat(glob(mirrors.path("attributes").path("title").asText())).accepts(names.mirror(new TableId("public", "orders")));
        assertThat(mirrors.path("attributes").path("timeFieldName").asText())
                .isEqualTo(config.sink().metadataField() + ".commit_time");

        int visualizations = 0;
        for (JsonNode object : objects) {
            if (object.path("type").asText().equals("visualization")) {
                visualizations++;
                JsonNode visState = JSON.readTree(object.path("attributes").path("visState").asText());
                JSON.readTree(object.path("attributes").path("kibanaSavedObjectMeta").path("searchSourceJSON").asText());
                for (JsonNode agg : visState.path("aggs")) {
                    String field = agg.path("params").path("field").asText(null);
                    if (field != null) {
                        assertThat(changeLogFields.has(field)).as("visualization " + object.path("id") + " uses field "
                                + field + " of the change-log mapping " + changeLogFields.fieldNames()).isTrue();
                    }
                }
            }
            if (object.path("type").asText().equals("dashboard")) {
                JsonNode panels = JSON.readTree(object.path("attributes").path("panelsJSON").asText());
                for (JsonNode panel : panels) {
                    String ref = panel.path("panelRefName").asText();
                    assertThat(object.path("references").findValuesAsText("name")).as("dashboard panel " + ref).contains(ref);
                }
            }
        }
        assertThat(visualizations).as("changes over time by table and by operation").isEqualTo(2);
        assertThat(Files.readString(DOCKER.resolve("setup/kibana.sh"))).contains("/kibana/pgcdc.ndjson");
        assertThat(String.valueOf(services.get("kibana-setup").get("volumes"))).contains("./kibana:/kibana");
    }

    private static java.util.function.Predicate<String> glob(String pattern) {
        var matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        return name -> matcher.matches(Path.of(name));
    }
}
