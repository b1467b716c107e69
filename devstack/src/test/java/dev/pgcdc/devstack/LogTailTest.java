package dev.pgcdc.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

    @TempDir
    Path dir;

    @Test
    void returnsOnlyTheLastLinesOfALongLog() throws IOException {
        Path log = dir.resolve("server.log");
        Files.writeString(log, IntStream.rangeClosed(1, 100_000).mapToObj(i -> "line " + i)
                .collect(Collectors.joining("\n", "", "\n")));

        String tail = LogTail.lastLines(log, 3);

        assertThat(tail).isEqualTo("line 99998\nline 99999\nline 100000");
    }

    @Test
    void shortLogIsReturnedWhole() throws IOException {
        Path log = dir.resolve("server.log");
        Files.writeString(log, "only\ntwo\n");

        assertThat(LogTail.lastLines(log, 40)).isEqualTo("only\ntwo");
    }

    @Test
    void missingLogYieldsANoteInsteadOfAnException() {
        assertThat(LogTail.lastLines(dir.resolve("absent.log"), 40)).startsWith("(log unavailable");
    }
}
