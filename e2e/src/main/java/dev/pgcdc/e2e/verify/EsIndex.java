package dev.pgcdc.e2e.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.common.config.ElasticsearchConfig;
import dev.pgcdc.common.event.ChangeEventCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.BiConsumer;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * Reads every document of an index through a scroll sorted by {@code _doc} (the cheapest order), parsing
 * sources with the pipeline's own JSON settings (decimals keep their digits). Uses the low-level REST
 * client: the verifier wants the stored bytes, not a typed model. Not thread-safe.
 *
 * <p>HTTPS with a private CA ({@code ca_certificate}) is not supported yet: plain HTTP or a CA the JVM
 * already trusts.
 */
public final class EsIndex implements AutoCloseable {

    private final RestClient client;

    public EsIndex(ElasticsearchConfig config) {
        HttpHost[] hosts = config.addresses().stream().map(HttpHost::create).toArray(HttpHost[]::new);
        Header auth = null;
        if (config.apiKey() != null && !config.apiKey().isEmpty()) {
            auth = new BasicHeader("Authorization", "ApiKey " + config.apiKey().reveal());
        } else if (config.username() != null) {
            String pair = config.username() + ":" + (config.password() == null ? "" : config.password().reveal());
            auth = new BasicHeader("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        this.client = RestClient.builder(hosts)
                .setDefaultHeaders(auth == null ? new Header[0] : new Header[] {auth})
                .setRequestConfigCallback(c -> c.setSocketTimeout(120_000))
                .build();
    }

    /** Streams every document as (id, source); returns how many. An index that does not exist has none. */
    public long forEachDocument(String index, int pageSize, BiConsumer<String, ObjectNode> action) throws IOException {
        String path = "/" + index;
        try {
            client.performRequest(new Request("POST", path + "/_refresh"));
        } catch (ResponseException e) {
            if (e.getResponse().getStatusLine().getStatusCode() == 404) {
                return 0;
            }
            throw e;
        }
        Request first = new Request("POST", path + "/_search");
        first.addParameter("scroll", "2m");
        first.setJsonEntity("{\"size\":" + pageSize + ",\"sort\":[\"_doc\"],\"track_total_hits\":true}");
        JsonNode page = read(client.performRequest(first));
        long count = 0;
        String scrollId = page.path("_scroll_id").asText(null);
        try {
            while (true) {
                JsonNode hits = page.path("hits").path("hits");
                if (hits.isEmpty()) {
                    return count;
                }
                for (JsonNode hit : hits) {
                    action.accept(hit.get("_id").textValue(), (ObjectNode) hit.get("_source"));
                    count++;
                }
                Request next = new Request("POST", "/_search/scroll");
                next.setJsonEntity("{\"scroll\":\"2m\",\"scroll_id\":\"" + scrollId + "\"}");
                page = read(client.performRequest(next));
                scrollId = page.path("_scroll_id").asText(scrollId);
            }
        } finally {
            if (scrollId != null) {
                Request clear = new Request("DELETE", "/_search/scroll");
                clear.setJsonEntity("{\"scroll_id\":\"" + scrollId + "\"}");
                try {
                    client.performRequest(clear);
                } catch (IOException ignored) {
                    // The scroll expires by itself after two minutes.
                }
            }
        }
    }

    private static JsonNode read(Response response) throws IOException {
        try (InputStream in = response.getEntity().getContent()) {
            return ChangeEventCodec.MAPPER.readTree(in);
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
