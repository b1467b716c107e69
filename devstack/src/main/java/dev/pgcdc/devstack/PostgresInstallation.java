package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the PostgreSQL server binaries: {@code $PGCDC_PG_BIN} if set, else the highest major version under
 * {@code /usr/lib/postgresql/<major>/bin} (Debian/Ubuntu layout).
 */
final class PostgresInstallation {

    static final String ENV = "PGCDC_PG_BIN";
    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private PostgresInstallation() {
    }

    static Path binDir() {
        String configured = System.getenv(ENV);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured);
            if (!Files.isExecutable(dir.resolve("postgres"))) {
                throw new IllegalStateException(ENV + "=" + configured + " has no executable 'postgres'");
            }
            return dir;
        }
        return highestDebianVersion().orElseThrow(() -> new IllegalStateException("no PostgreSQL found under "
                + DEBIAN_ROOT + "/*/bin; install it (apt-get install postgresql) or set " + ENV
                + " to the directory holding initdb and postgres"));
    }

    private static Optional<Path> highestDebianVersion() {
        if (!Files.isDirectory(DEBIAN_ROOT)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
            return versions
                    .filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .filter(dir -> Files.isExecutable(dir.resolve("bin/postgres"))
                            && Files.isExecutable(dir.resolve("bin/initdb")))
                    .max(Comparator.comparingDouble(dir -> Double.parseDouble(dir.getFileName().toString())))
                    .map(dir -> dir.resolve("bin"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
