package dev.pgcdc.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EnginesExtension.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ElasticsearchServerIT {

    record Book(String title, int year) {
    }

    @Test
    void bulkIndexedDocumentsAreFoundBySearch(ElasticsearchEndpoint es) throws IOException {
        String index = UniqueNames.next("books");
        try (RestClient rest = restClient(es.url(), es.credentials().orElse(null))) {
            ElasticsearchClient client = client(rest);
            BulkRequest.Builder bulk = new BulkRequest.Builder().refresh(Refresh.WaitFor);
            List<Book> books = List.of(new Book("Kafka on the Shore", 2002), new Book("The Trial by Kafka", 1925),
                    new Book("Designing Data-Intensive Applications", 2017));
            for (int i = 0; i < books.size(); i++) {
                String id = Integer.toString(i + 1);
                Book book = books.get(i);
                bulk.operations(op -> op.index(ix -> ix.index(index).id(id).document(book)));
            }

            BulkResponse indexed = client.bulk(bulk.build());
            SearchResponse<Book> found = client.search(s -> s.index(index)
                    .query(q -> q.match(m -> m.field("title").query("kafka"))), Book.class);

            assertThat(indexed.errors()).as("bulk response reports item errors").isFalse();
            assertThat(found.hits().hits()).extracting(Hit::id).containsExactlyInAnyOrder("1", "2");
            assertThat(found.hits().hits()).extracting(hit -> hit.source().year()).containsExactlyInAnyOrder(2002, 1925);
        }
    }

    @Test
    void securedNodeAcceptsTheElasticPasswordRejectsOthersAndLeavesNothingAfterClose() throws Exception {
        ElasticsearchServer es = ElasticsearchServer.builder().security("right-password").start();
        List<ProcessHandle> processes = es.processTree();
        Path instanceDir = es.dataDir().getParent();
        try {
            assertThat(es.securityEnabled()).isTrue();
            assertThat(es.username()).isEqualTo("elastic");
            assertThat(status(es.url(), "elastic", "right-password")).as("right password").isEqualTo(200);
            assertThat(status(es.url(), "elastic", "wrong-password")).as("wrong password").isEqualTo(401);
            assertThat(status(es.url(), null, null)).as("no credentials").isEqualTo(401);
            try (RestClient rest = restClient(es.url(), es.credentials().orElseThrow())) {
                ElasticsearchClient client = client(rest);
                client.index(ix -> ix.index("secured").id("1").document(new Book("Auth", 2024)).refresh(Refresh.WaitFor));
                assertThat(client.count(c -> c.index("secured")).count()).as("documents indexed with auth").isEqualTo(1);
            }
        } finally {
            es.close();
        }

        assertThat(processes).as("launcher and node JVM").isNotEmpty().allSatisfy(process -> {
            assertThat(process.isAlive()).as("pid %d alive", process.pid()).isFalse();
            assertThat(Path.of("/tmp/.java_pid" + process.pid())).as("JVM attach socket").doesNotExist();
        });
        assertThat(instanceDir).doesNotExist();
    }

    private static ElasticsearchClient client(RestClient rest) {
        return new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
    }

    private static RestClient restClient(String url, ElasticsearchEndpoint.Credentials credentials) {
        var builder = RestClient.builder(HttpHost.create(url));
        if (credentials != null) {
            builder.setDefaultHeaders(new Header[] {
                new BasicHeader("Authorization", basic(credentials.username(), credentials.password()))});
        }
        return builder.build();
    }

    private static int status(String url, String user, String password) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/_cluster/health"));
        if (user != null) {
            request.header("Authorization", basic(user, password));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
