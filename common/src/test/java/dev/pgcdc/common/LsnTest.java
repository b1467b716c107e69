package dev.pgcdc.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

    @Test
    void parsesAndPrintsTheServerTextForm() {
        Lsn lsn = Lsn.parse("16/3002D50");

        assertThat(lsn.value()).isEqualTo(0x16_0300_2D50L);
        assertThat(lsn).hasToString("16/3002D50");
        assertThat(Lsn.parse("16/3002d50")).isEqualTo(lsn);
        assertThat(Lsn.parse("0/0")).isEqualTo(Lsn.ZERO);
    }

    @Test
    void comparesAboveTheSignBitAsUnsigned() {
        Lsn high = Lsn.parse("FFFFFFFF/FFFFFFFF");
        Lsn low = Lsn.parse("0/1");

        assertThat(high.value()).as("the top half sets the sign bit").isNegative();
        assertThat(high.isAfter(low)).isTrue();
        assertThat(low.isAtOrBefore(high)).isTrue();
        assertThat(Lsn.max(low, high)).isEqualTo(high);
        assertThat(high).hasToString("FFFFFFFF/FFFFFFFF");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "16", "/1", "1/", "-1/0", "1/-5", "+1/0", "1/2/3", "123456789/0", "0/123456789", "G/0", " 1/0"})
    void rejectsTextThatIsNotAnLsn(String text) {
        assertThatThrownBy(() -> Lsn.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected e.g. 16/3002D50");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Lsn.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
