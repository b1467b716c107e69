package dev.pgcdc.common.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Client properties copied from the configuration unchanged (e.g. Kafka's
 * {@code security.protocol}). Values of keys that look like credentials are masked in
 * {@code toString()}.
 */
public record PassThroughProperties(Map<String, String> values) {

    public PassThroughProperties {
        values = Map.copyOf(values);
    }

    public static PassThroughProperties empty() {
        return new PassThroughProperties(Map.of());
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        values.forEach((key, value) -> shown.put(key, isSensitive(key) ? "******" : value));
        return shown.toString();
    }

    /**
     * Whether a key names a credential, e.g. {@code sasl.jaas.config}, {@code ssl.key.password},
     * {@code api_key} or {@code basic.auth.user.info}; {@code _} and {@code -} count as dots.
     */
    public static boolean isSensitive(String key) {
        String lower = key.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
        return lower.contains("password") || lower.contains("passwd") || lower.contains("secret") || lower.contains("jaas")
                || lower.contains("credential") || lower.contains("token") || lower.endsWith(".key") || lower.equals("key")
                || lower.contains("api.key") || lower.contains("apikey") || lower.contains("user.info")
                || lower.contains("private");
    }
}
