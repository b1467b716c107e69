package dev.pgcdc.devstack;

import java.util.Optional;

/**
 * Where an Elasticsearch node serves HTTP (plain {@code http://}, or {@code https://} for a
 * {@link ElasticsearchServer} started with {@link ElasticsearchServer.Builder#https}), its version, and the
 * credentials of the {@code elastic} superuser when security is on. Implemented by
 * {@link ElasticsearchServer} and by the Testcontainers engine.
 */
public interface ElasticsearchEndpoint {

    /** {@code http://127.0.0.1:PORT} (or {@code https://}), without a trailing slash. */
    String url();

    /** The server version, e.g. {@code 9.2.0}. */
    String version();

    /** Empty when security is off. */
    Optional<Credentials> credentials();

    default boolean securityEnabled() {
        return credentials().isPresent();
    }

    /** HTTP basic-auth credentials. */
    record Credentials(String username, String password) {

        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=***]";
        }
    }
}
