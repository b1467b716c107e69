package dev.pgcdc.sink.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.TransportUtils;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.pgcdc.common.config.ElasticsearchConfig;
import dev.pgcdc.common.event.ChangeEventCodec;
import dev.pgcdc.sink.SinkFatalException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Elasticsearch client with the configured addresses, authentication (basic or API key) and
 * TLS trust (a CA certificate file or the CA's SHA-256 fingerprint; otherwise the JVM's trust
 * store). Credentials go to the HTTP client only, never to a log line.
 *
 * <p>The client is thread-safe. {@link #close()} may be called from any thread; it aborts requests
 * in flight (the shutdown path uses that to abandon a bulk request).
 */
public final class EsConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EsConnection.class);

    private final RestClient restClient;
    private final ElasticsearchClient client;
    private final ElasticsearchConfig config;

    public EsConnection(ElasticsearchConfig config, Duration requestTimeout) {
        this.config = config;
        HttpHost[] hosts = config.addresses().stream().map(HttpHost::create).toArray(HttpHost[]::new);
        SSLContext ssl = sslContext(config);
        int timeout = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
        var builder = RestClient.builder(hosts)
                .setRequestConfigCallback(r -> r.setConnectTimeout(Math.min(timeout, 10_000)).setSocketTimeout(timeout))
                .setHttpClientConfigCallback(http -> {
                    if (config.username() != null && config.password() != null) {
                        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                        credentials.setCredentials(AuthScope.ANY,
                                new UsernamePasswordCredentials(config.username(), config.password().reveal()));
                        http.setDefaultCredentialsProvider(credentials);
                    }
                    if (ssl != null) {
                        http.setSSLContext(ssl);
                    }
                    return http;
                });
        if (config.apiKey() != null) {
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "ApiKey " + config.apiKey().reveal())});
        }
        this.restClient = builder.build();
        this.client = new ElasticsearchClient(new RestClientTransport(restClient,
                new JacksonJsonpMapper(ChangeEventCodec.MAPPER.copy())));
    }

    public ElasticsearchClient client() {
        return client;
    }

    /**
     * Checks that the cluster answers and accepts the credentials.
     *
     * @throws EsAuthException on 401/403, with a message naming the user (never the password)
     * @throws EsUnavailableException when the cluster cannot be reached
     */
    public String checkAccess() throws EsUnavailableException {
        try {
            // GET / is not served by every distribution (ES 9 moved it to a module); cluster health is.
            var health = client.cluster().health();
            return "cluster '" + health.clusterName() + "' (" + health.status().jsonValue() + ")";
        } catch (IOException | RuntimeException e) {
            throw translate(e, "connecting to Elasticsearch at " + config.addresses());
        }
    }

    /** Translates a request failure: auth errors become {@link EsAuthException}, others retriable or rethrown. */
    public EsUnavailableException translate(Exception e, String doing) {
        Failures.Kind kind = Failures.classify(e);
        if (kind == Failures.Kind.AUTH) {
            int status = Failures.status(e);
            String who = config.apiKey() != null ? "the configured API key (elasticsearch.api_key)"
                    : config.username() != null ? "user '" + config.username() + "' (elasticsearch.username/password)"
                    : "no credentials (set elasticsearch.username and password, or api_key)";
            throw new EsAuthException(status, "Elasticsearch " + (status == 401
                    ? "rejected the credentials (HTTP 401 Unauthorized)" : "denied access (HTTP 403 Forbidden)")
                    + " while " + doing + ", using " + who + "; check "
                    + (status == 401 ? "the credentials" : "that role's privileges (it needs write, create_index and"
                    + " manage on the index prefix, and manage_index_templates)"));
        }
        if (kind == Failures.Kind.TLS) {
            throw new SinkFatalException("Elasticsearch's TLS certificate was not accepted while " + doing + " ("
                    + Failures.describe(e) + "); set elasticsearch.ca_certificate to the PEM file of the CA that signed"
                    + " the node's HTTP certificate (or ca_fingerprint to that CA certificate's SHA-256), and use an"
                    + " address whose host the certificate lists", e);
        }
        if (kind == Failures.Kind.RETRIABLE) {
            return new EsUnavailableException(doing + " failed: " + Failures.describe(e), e);
        }
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new SinkFatalException(doing + " failed: " + Failures.describe(e), e);
    }

    private static SSLContext sslContext(ElasticsearchConfig config) {
        if (config.caFingerprint() != null) {
            return TransportUtils.sslContextFromCaFingerprint(config.caFingerprint());
        }
        if (config.caCertificate() != null) {
            try (InputStream in = Files.newInputStream(config.caCertificate())) {
                return TransportUtils.sslContextFromHttpCaCrt(in);
            } catch (IOException | RuntimeException e) {
                throw new SinkFatalException("cannot read the CA certificate " + config.caCertificate()
                        + " (elasticsearch.ca_certificate): " + e.getClass().getSimpleName()
                        + "; give a readable PEM file", e);
            }
        }
        return null;
    }

    /**
     * POSTs an NDJSON body in one piece (with its length), e.g. a bulk request, and returns the
     * response body; the typed client would send every line as its own HTTP chunk, which costs
     * Elasticsearch about twice the CPU per document. Failures are thrown as they come (a
     * {@link org.elasticsearch.client.ResponseException} for an HTTP error status), for {@link #translate}.
     *
     * @param path the path with its query, e.g. {@code /_bulk?filter_path=...}
     */
    public byte[] postNdjson(String path, byte[] ndjson) throws IOException {
        org.elasticsearch.client.Request request = new org.elasticsearch.client.Request("POST", path);
        request.setEntity(new org.apache.http.entity.ByteArrayEntity(ndjson,
                org.apache.http.entity.ContentType.create("application/x-ndjson")));
        org.elasticsearch.client.Response response = restClient.performRequest(request);
        try (InputStream body = response.getEntity().getContent()) {
            return body.readAllBytes();
        }
    }

    /**
     * A raw GET, for requests the typed client does not model the same way on every server version
     * (e.g. {@code GET /}, which some distributions do not serve).
     *
     * @return the response body parsed as JSON
     * @throws EsAuthException on 401/403
     * @throws EsUnavailableException when the cluster cannot be reached or answers 5xx
     */
    public com.fasterxml.jackson.databind.JsonNode getJson(String path) throws EsUnavailableException {
        try {
            org.elasticsearch.client.Response response = restClient.performRequest(
                    new org.elasticsearch.client.Request("GET", path));
            try (InputStream body = response.getEntity().getContent()) {
                return ChangeEventCodec.MAPPER.readTree(body);
            }
        } catch (IOException | RuntimeException e) {
            throw translate(e, "GET " + path);
        }
    }

    public List<String> addresses() {
        return config.addresses();
    }

    @Override
    public void close() {
        try {
            restClient.close();
        } catch (IOException e) {
            log.warn("closing the Elasticsearch client failed: {}", e.toString());
        }
    }
}
