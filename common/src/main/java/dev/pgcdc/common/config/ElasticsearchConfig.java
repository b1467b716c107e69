package dev.pgcdc.common.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code elasticsearch} section: where to connect, how to authenticate, and how indexes are
 * named ({@code {indexPrefix}{schema}_{table}}).
 *
 * @param caCertificate PEM file of the CA that signed the server's certificate (HTTPS), or null
 * @param caFingerprint SHA-256 fingerprint of the server's CA certificate (HTTPS), or null
 */
public record ElasticsearchConfig(
        List<String> addresses,
        String username,
        Secret password,
        Secret apiKey,
        String indexPrefix,
        Path caCertificate,
        String caFingerprint) {

    public ElasticsearchConfig {
        addresses = List.copyOf(addresses);
    }

    /** The mirror index of a table. */
    public String indexFor(TableId table) {
        return (indexPrefix + table.schema() + "_" + table.table()).toLowerCase(java.util.Locale.ROOT);
    }

    static ElasticsearchConfig from(ConfigNode node) {
        List<String> addresses = node.requiredStringList("addresses",
                "list the Elasticsearch URLs, e.g. addresses: [http://localhost:9200]");
        for (String address : addresses) {
            if (address.matches("([A-Za-z][A-Za-z0-9+.-]*://)?[^/?#]*@.*")) {
                // Not echoed: the part before '@' is a credential.
                node.problem("addresses", "an address must not contain a user name or password; set elasticsearch.username"
                        + " and elasticsearch.password (or api_key) instead");
            } else if (!address.matches("https?://[^/\\s]+(/.*)?")) {
                node.problem("addresses", "'" + address + "' is not an http:// or https:// URL, e.g. http://localhost:9200");
            }
        }
        String username = node.string("username", null);
        Secret password = node.secret("password");
        Secret apiKey = node.secret("api_key");
        if (username != null && password == null) {
            node.problem("username", "is set but elasticsearch.password is not; set both for basic auth");
        }
        if (apiKey != null && username != null) {
            node.problem("api_key", "use either api_key or username/password, not both");
        }
        String prefix = node.string("indexPrefix", "cdc_");
        if (!prefix.equals(prefix.toLowerCase(java.util.Locale.ROOT)) || prefix.matches(".*[\\\\/*?\"<>| ,#:].*")
                || prefix.startsWith("_") || prefix.startsWith("-") || prefix.startsWith("+")) {
            node.problem("indexPrefix", "'" + prefix + "' cannot start an Elasticsearch index name: use lower-case"
                    + " letters, digits, '_' or '-', not starting with '_', '-' or '+'");
        }
        String ca = node.string("ca_certificate", null);
        String fingerprint = node.string("ca_fingerprint", null);
        return new ElasticsearchConfig(addresses, username, password, apiKey, prefix,
                ca == null ? null : Path.of(ca), fingerprint);
    }
}
