package dev.pgcdc.common.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's small HTTP endpoint (the JDK's {@code com.sun.net.httpserver}, one thread):
 * <ul>
 *   <li>{@code GET /health}: JSON with the state, detail and version; 200 when live and ready,
 *       503 otherwise;</li>
 *   <li>{@code GET /health/live}: 200 unless the daemon failed for good (restart it);</li>
 *   <li>{@code GET /health/ready}: 200 when connected and streaming or consuming;</li>
 *   <li>{@code GET /metrics}: every meter in the Prometheus text format.</li>
 * </ul>
 * Nothing here can change the daemon; no response holds a credential.
 */
public final class HealthServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    private HealthServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code host:port} and starts serving.
     *
     * @param port 0 picks a free port (see {@link #port()})
     * @throws UncheckedIOException when the address cannot be bound, with the fix in the message
     */
    public static HealthServer start(String host, int port, String daemon, String version, Health health,
            PrometheusMeterRegistry registry) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve /health and /metrics on " + host + ":" + port + " ("
                    + e.getMessage() + "); choose a free port with metrics." + (daemon.equals("es-sink") ? "sink_port"
                    : "replicator_port") + ", or 0 to turn the endpoint off", e);
        }
        server.createContext("/health", exchange -> handleHealth(exchange, daemon, version, health));
        server.createContext("/metrics", exchange -> {
            if (allowed(exchange)) {
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            }
        });
        server.createContext("/", exchange -> {
            if (allowed(exchange)) {
                boolean root = exchange.getRequestURI().getPath().equals("/");
                respond(exchange, root ? 200 : 404, "text/plain; charset=utf-8", root
                        ? daemon + " " + version + ": GET /health, /health/live, /health/ready, /metrics\n"
                        : "not found; try /health or /metrics\n");
            }
        });
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, daemon + "-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        log.info("serving /health and /metrics on http://{}:{}", host, server.getAddress().getPort());
        return new HealthServer(server, executor);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void handleHealth(HttpExchange exchange, String daemon, String version, Health health)
            throws IOException {
        if (!allowed(exchange)) {
            return;
        }
        Health.Status status = health.status();
        String path = exchange.getRequestURI().getPath();
        switch (path) {
            case "/health/live", "/health/live/" -> respond(exchange, status.live() ? 200 : 503,
                    "text/plain; charset=utf-8", (status.live() ? "live" : "failed: " + status.detail()) + "\n");
            case "/health/ready", "/health/ready/" -> respond(exchange, status.ready() ? 200 : 503,
                    "text/plain; charset=utf-8", (status.ready() ? "ready" : "not ready: " + status.state()
                            .name().toLowerCase(java.util.Locale.ROOT) + ", " + status.detail()) + "\n");
            case "/health", "/health/" -> {
                ObjectNode body = JSON.createObjectNode();
                body.put("daemon", daemon);
                body.put("version", version);
                body.put("status", status.state().name());
                body.put("live", status.live());
                body.put("ready", status.ready());
                body.put("detail", status.detail());
                body.put("since", status.since().toString());
                respond(exchange, status.live() && status.ready() ? 200 : 503, "application/json",
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n");
            }
            default -> respond(exchange, 404, "text/plain; charset=utf-8", "not found; try /health, /health/live or"
                    + " /health/ready\n");
        }
    }

    private static boolean allowed(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().add("Allow", "GET, HEAD");
        respond(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
        return false;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    /** Stops serving; requests in progress get up to one second. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
