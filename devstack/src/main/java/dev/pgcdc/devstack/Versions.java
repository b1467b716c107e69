package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Engine versions and images pinned in the poms, filtered into {@code versions.properties} at build time. */
final class Versions {

    private static final Properties PROPERTIES = load();

    private Versions() {
    }

    static String elasticsearch() {
        return get("elasticsearch.version");
    }

    static String elasticsearchForJava17() {
        return get("elasticsearch.java17.version");
    }

    static String postgresImage() {
        return get("postgres.image");
    }

    static String kafkaImage() {
        return get("kafka.image");
    }

    static String elasticsearchImage() {
        return get("elasticsearch.image");
    }

    private static String get(String key) {
        String value = PROPERTIES.getProperty(key);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("versions.properties lacks a filtered value for " + key
                    + "; build the devstack module with Maven so resources are filtered");
        }
        return value;
    }

    private static Properties load() {
        try (InputStream in = Versions.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/pgcdc/devstack/versions.properties is missing from the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
