package dev.pgcdc.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnginesTest {

    private final String original = System.getProperty(Engines.SYSTEM_PROPERTY);

    @AfterEach
    void restoreProperty() {
        if (original == null) {
            System.clearProperty(Engines.SYSTEM_PROPERTY);
        } else {
            System.setProperty(Engines.SYSTEM_PROPERTY, original);
        }
    }

    @Test
    void localEnginesAreTheDefaultAndStartNothingUntilAsked() {
        System.clearProperty(Engines.SYSTEM_PROPERTY);
        try (Engines engines = Engines.fromSystemProperty()) {
            assertThat(engines.kind()).isEqualTo(Engines.Kind.LOCAL);
        }
    }

    @Test
    void unknownKindIsRejectedNamingThePropertyAndTheChoices() {
        System.setProperty(Engines.SYSTEM_PROPERTY, "kubernetes");

        assertThatThrownBy(Engines::fromSystemProperty).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgcdc.engines=kubernetes").hasMessageContaining("'local' or 'testcontainers'");
    }

    @Test
    void closedEnginesRefuseToStartAnEngine() {
        LocalEngines engines = new LocalEngines();
        engines.close();

        assertThatThrownBy(engines::postgres).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
