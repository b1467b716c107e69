package dev.pgcdc.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PassThroughPropertiesTest {

    @ParameterizedTest
    @ValueSource(strings = {"password", "sasl.jaas.config", "ssl.key.password", "ssl.keystore.key", "api_key", "apiKey",
            "basic.auth.user.info", "sasl.oauthbearer.token.endpoint.url.token", "client-secret", "sslpassword",
            "private.key", "credentials"})
    void masksValuesOfCredentialKeys(String key) {
        PassThroughProperties properties = new PassThroughProperties(Map.of(key, "S3NT1NEL", "client.id", "pgcdc"));

        assertThat(PassThroughProperties.isSensitive(key)).isTrue();
        assertThat(properties.toString()).doesNotContain("S3NT1NEL").contains(key + "=******", "client.id=pgcdc");
        assertThat(properties.values()).containsEntry(key, "S3NT1NEL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"client.id", "security.protocol", "sslmode", "compression.type", "keystore.type", "monkey"})
    void showsOrdinarySettings(String key) {
        assertThat(PassThroughProperties.isSensitive(key)).isFalse();
    }
}
