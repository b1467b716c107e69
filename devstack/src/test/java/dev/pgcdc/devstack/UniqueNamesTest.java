package dev.pgcdc.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UniqueNamesTest {

    @Test
    void namesStartWithThePrefixAndNeverRepeat() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            names.add(UniqueNames.next("orders"));
        }
        assertThat(names).as("1000 generated names").hasSize(1000)
                .allSatisfy(name -> assertThat(name).startsWith("orders_").matches("[a-z0-9_]{1,63}"));
    }

    @Test
    void prefixThatIsNotAPlainLowerCaseIdentifierIsRejected() {
        assertThatThrownBy(() -> UniqueNames.next("Orders")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Orders");
        assertThatThrownBy(() -> UniqueNames.next("a-b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UniqueNames.next("x".repeat(41))).isInstanceOf(IllegalArgumentException.class);
    }
}
