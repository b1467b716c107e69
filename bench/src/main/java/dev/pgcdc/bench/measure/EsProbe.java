package dev.pgcdc.bench.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain HTTP calls to Elasticsearch for measuring: counts, mappings, and bulk requests of prepared
 * bodies (the raw-bulk baseline). (No ingest pipeline: the devstack's distribution has no ingest
 * processors, so "indexed" is timed by the sink's committed offsets, see {@code CommitTimeline}.)
 * Thread-safe.
 */
public final class EsProbe {

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public EsProbe(String url) {
        this.url = url;
    }

    public String url() {
        return url;
    }

    public boolean exists(String index) throws IOException {
        return send("HEAD", "/" + index, null).statusCode() == 200;
    }

    /** Refreshes, then counts; 0 for a missing index. */
    public long count(String index) throws IOException {
        HttpResponse<String> refresh = send("POST", "/" + index + "/_refresh?ignore_unavailable=true", null);
        if (refresh.statusCode() == 404) {
            return 0;
        }
        HttpResponse<String> response = send("GET", "/" + index + "/_count?ignore_unavailable=true", null);
        if (response.statusCode() == 404) {
            return 0;
        }
        return json(response).path("count").asLong();
    }

    public JsonNode mappings(String index) throws IOException {
        return request("GET", "/" + index + "/_mapping", null, 200).path(index).path("mappings");
    }

    public void createIndex(String index, JsonNode mappings) throws IOException {
        ObjectNode body = ChangeEventCodec.MAPPER.createObjectNode();
        body.set("mappings", mappings);
        request("PUT", "/" + index, body.toString(), 200);
    }

    public void deleteIndex(String pattern) {
        try {
            send("DELETE", "/" + pattern + "?ignore_unavailable=true", null);
        } catch (IOException e) {
            // best effort
        }
    }

    /**
     * Sends one prepared bulk body to {@code index} (the default for items that name none) and
     * returns whether any item failed.
     *
     * @throws IOException on a transport failure or a non-200 answer
     */
    public boolean bulk(String index, byte[] ndjson) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/" + index + "/_bulk?filter_path=errors"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ndjson)).build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) {
            throw new IOException("bulk answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        return json(response).path("errors").asBoolean();
    }

    /**
     * What Elasticsearch did for {@code index} since it was created, from its primaries' stats: time
     * spent indexing, refreshing, merging and flushing, and the gets and searches it answered. Read after
     * a run to see where Elasticsearch's CPU went (e.g. the sink's index against raw bulk's).
     */
    public String indexWork(String index) throws IOException {
        JsonNode primaries = request("GET", "/" + index + "/_stats/indexing,refresh,merge,flush,get,search", null, 200)
                .path("_all").path("primaries");
        long docs = primaries.path("indexing").path("index_total").asLong();
        long indexMs = primaries.path("indexing").path("index_time_in_millis").asLong();
        return String.format(java.util.Locale.ROOT,
                "%,d index operations in %,d ms (%.0f µs each), %d refreshes in %,d ms, %d merges in %,d ms"
                        + " (%,d docs), %d flushes in %,d ms, %d gets, %d searches",
                docs, indexMs, docs == 0 ? 0.0 : indexMs * 1000.0 / docs,
                primaries.path("refresh").path("total").asLong(), primaries.path("refresh").path("total_time_in_millis").asLong(),
                primaries.path("merges").path("total").asLong(), primaries.path("merges").path("total_time_in_millis").asLong(),
                primaries.path("merges").path("total_docs").asLong(),
                primaries.path("flush").path("total").asLong(), primaries.path("flush").path("total_time_in_millis").asLong(),
                primaries.path("get").path("total").asLong(), primaries.path("search").path("query_total").asLong());
    }

    public JsonNode request(String method, String path, String body, int expected) throws IOException {
        HttpResponse<String> response = send(method, path, body);
        if (response.statusCode() != expected) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        return json(response);
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(120));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return send(request.build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        String body = response.body();
        return body == null || body.isEmpty() ? ChangeEventCodec.MAPPER.createObjectNode()
                : ChangeEventCodec.MAPPER.readTree(body);
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }
}
