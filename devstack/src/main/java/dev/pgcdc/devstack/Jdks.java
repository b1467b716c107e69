package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finds installed JDKs and their feature versions (17, 21, 25...) from their {@code release} files. */
final class Jdks {

    private static final Path SYSTEM_JVMS = Path.of("/usr/lib/jvm");
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)");

    record Jdk(Path home, int feature) {
    }

    private Jdks() {
    }

    static Jdk current() {
        return new Jdk(Path.of(System.getProperty("java.home")), Runtime.version().feature());
    }

    /** The JDK at {@code home}, which must have {@code bin/java} and a readable {@code release} file. */
    static Jdk at(Path home) {
        return feature(home).stream().mapToObj(f -> new Jdk(home, f)).findFirst().orElseThrow(
                () -> new IllegalArgumentException(home + " is not a JDK (needs bin/java and a release file)"));
    }

    /** This JVM's JDK if recent enough, else the newest such JDK under /usr/lib/jvm. */
    static Optional<Jdk> atLeast(int feature) {
        if (Runtime.version().feature() >= feature) {
            return Optional.of(current());
        }
        if (!Files.isDirectory(SYSTEM_JVMS)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(SYSTEM_JVMS)) {
            return homes
                    .flatMap(home -> feature(home).stream().mapToObj(f -> new Jdk(home, f)))
                    .filter(jdk -> jdk.feature() >= feature)
                    .max(Comparator.comparingInt(Jdk::feature));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OptionalInt feature(Path home) {
        Path release = home.resolve("release");
        if (!Files.isExecutable(home.resolve("bin/java")) || !Files.isReadable(release)) {
            return OptionalInt.empty();
        }
        try {
            Matcher matcher = JAVA_VERSION.matcher(Files.readString(release));
            return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }
}
