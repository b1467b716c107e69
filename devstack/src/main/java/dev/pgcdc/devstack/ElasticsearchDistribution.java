package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An unpacked Elasticsearch distribution and the JDK to run it with. The distribution is the
 * {@code integ-test-zip} from Maven Central, taken from the local Maven repository or downloaded into it,
 * and unpacked once into a cache directory shared by all instances and JVMs.
 *
 * <p>Version choice: 9.x needs Java 21+, so the newest version pinned in the parent pom is used when such
 * a JDK is found ({@code $PGCDC_ES_JAVA_HOME}, this JVM, or /usr/lib/jvm/*), else the Java 17 version.
 * Cache: {@code $PGCDC_CACHE_DIR}, else /var/cache/pgcdc when root (so that the {@code pgcdc} user can read
 * it), else {@code ~/.cache/pgcdc}.
 */
record ElasticsearchDistribution(String version, Path home, Path javaHome) {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchDistribution.class);
    private static final String JAVA_HOME_ENV = "PGCDC_ES_JAVA_HOME";
    private static final String CENTRAL = "https://repo1.maven.org/maven2/";
    private static final String GROUP_PATH = "org/elasticsearch/distribution/integ-test-zip/elasticsearch/";
    private static final Object LOCK = new Object();

    /** Both arguments may be null, meaning "choose as described above". */
    static ElasticsearchDistribution resolve(String requestedVersion, Path requestedJavaHome) {
        Jdks.Jdk jdk = chooseJdk(requestedJavaHome);
        String version = requestedVersion != null ? requestedVersion
                : jdk.feature() >= 21 ? Versions.elasticsearch() : Versions.elasticsearchForJava17();
        int major = Integer.parseInt(version.substring(0, version.indexOf('.')));
        if (major >= 9 && jdk.feature() < 21) {
            throw new IllegalStateException("Elasticsearch " + version + " needs Java 21+, but the JDK found is "
                    + jdk.feature() + " (" + jdk.home() + "); set " + JAVA_HOME_ENV + " to a JDK 21+ home");
        }
        synchronized (LOCK) {
            return new ElasticsearchDistribution(version, unpacked(version), jdk.home());
        }
    }

    private static Jdks.Jdk chooseJdk(Path requested) {
        if (requested != null) {
            return Jdks.at(requested);
        }
        String configured = System.getenv(JAVA_HOME_ENV);
        if (configured != null && !configured.isBlank()) {
            return Jdks.at(Path.of(configured));
        }
        return Jdks.atLeast(21).orElseGet(Jdks::current);
    }

    private static Path unpacked(String version) {
        Path cache = cacheDir();
        Path home = cache.resolve("elasticsearch-" + version);
        if (Files.isExecutable(home.resolve("bin/elasticsearch"))) {
            return home;
        }
        Path zip = zip(version);
        long started = System.nanoTime();
        Path staging = cache.resolve(".unpacking-" + UUID.randomUUID());
        try {
            unzip(zip, staging);
            try {
                Files.move(staging.resolve("elasticsearch-" + version), home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                LOG.debug("{} was unpacked meanwhile by another process", home);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip + " into " + cache, e);
        } finally {
            TempDirs.delete(staging);
        }
        LOG.info("Unpacked Elasticsearch {} into {} in {} ms", version, home, (System.nanoTime() - started) / 1_000_000);
        return home;
    }

    private static Path zip(String version) {
        String relative = GROUP_PATH + version + "/elasticsearch-" + version + ".zip";
        Path zip = localRepository().resolve(relative);
        if (Files.isRegularFile(zip)) {
            return zip;
        }
        URI uri = URI.create(CENTRAL + relative);
        LOG.info("Downloading {} into {}", uri, zip);
        long started = System.nanoTime();
        try {
            Files.createDirectories(zip.getParent());
            Path part = zip.resolveSibling(zip.getFileName() + ".part-" + UUID.randomUUID());
            try {
                HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(Duration.ofSeconds(30)).build();
                HttpResponse<Path> response = client.send(
                        HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).build(),
                        HttpResponse.BodyHandlers.ofFile(part));
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("downloading " + uri + " answered HTTP " + response.statusCode());
                }
                Files.move(part, zip, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download " + uri + " (Maven Central must be reachable, or put "
                    + "the zip at " + zip + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while downloading " + uri, e);
        }
        LOG.info("Downloaded {} in {} ms", zip.getFileName(), (System.nanoTime() - started) / 1_000_000);
        return zip;
    }

    /** Unpacks keeping the Unix permissions stored in the zip, plus read access for everyone. */
    private static void unzip(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        try (FileSystem zipFs = FileSystems.newFileSystem(zip, Map.of("enablePosixFileAttributes", true));
                Stream<Path> entries = Files.walk(zipFs.getPath("/"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                Path destination = target.resolve(zipFs.getPath("/").relativize(entry).toString());
                boolean directory = Files.isDirectory(entry);
                if (directory) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    Files.copy(entry, destination);
                }
                Set<PosixFilePermission> permissions = permissions(entry, directory);
                Files.getFileAttributeView(destination, PosixFileAttributeView.class).setPermissions(permissions);
            }
        }
    }

    private static Set<PosixFilePermission> permissions(Path entry, boolean directory) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.readAttributes(entry, PosixFileAttributes.class).permissions();
        } catch (UnsupportedOperationException e) {
            permissions = null;
        }
        if (permissions == null || permissions.isEmpty()) {
            permissions = PosixFilePermissions.fromString(directory ? "rwxr-xr-x" : "rw-r--r--");
        }
        permissions = new HashSet<>(permissions);
        permissions.add(PosixFilePermission.OWNER_READ);
        permissions.add(PosixFilePermission.GROUP_READ);
        permissions.add(PosixFilePermission.OTHERS_READ);
        if (directory || permissions.contains(PosixFilePermission.OWNER_EXECUTE)) {
            permissions.add(PosixFilePermission.OWNER_EXECUTE);
            permissions.add(PosixFilePermission.GROUP_EXECUTE);
            permissions.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        return permissions;
    }

    private static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    private static Path cacheDir() {
        String configured = System.getenv("PGCDC_CACHE_DIR");
        Path cache;
        if (configured != null && !configured.isBlank()) {
            cache = Path.of(configured);
        } else if (ServerUser.switchesUser()) {
            cache = Path.of("/var/cache/pgcdc");
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            cache = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                    .resolve("pgcdc");
        }
        try {
            Files.createDirectories(cache);
            if (ServerUser.switchesUser()) {
                Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cache directory " + cache, e);
        }
        return cache;
    }
}
