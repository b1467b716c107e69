package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The OS user that PostgreSQL and Elasticsearch run as. Both refuse to run as root, so when this JVM is
 * root they run as the unprivileged system user {@value #NAME}, created on first use; otherwise they run
 * as the current user and every method here is a no-op.
 *
 * <p>Processes are switched with {@code setpriv} rather than {@code runuser}: setpriv execs the server in
 * place, so the process this JVM started is the server itself and signals reach it unchanged (runuser
 * forks, stays in between, and turns every signal into SIGTERM).
 */
final class ServerUser {

    static final String NAME = "pgcdc";

    private static final boolean ROOT = detectRoot();
    private static volatile Ids ids;

    private record Ids(int uid, int gid) {
    }

    private ServerUser() {
    }

    static boolean switchesUser() {
        return ROOT;
    }

    /** Prefixes {@code command} so that it runs as {@value #NAME} when this JVM is root. */
    static List<String> wrap(List<String> command) {
        if (!ROOT) {
            return command;
        }
        Ids ids = ids();
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + ids.uid(), "--regid=" + ids.gid(),
                "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Gives {@code path} and everything below it to {@value #NAME} when this JVM is root. */
    static void own(Path path) {
        if (!ROOT) {
            return;
        }
        Ids ids = ids();
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.setAttribute(p, "unix:uid", ids.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", ids.gid(), LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give " + path + " to user " + NAME, e);
        }
    }

    private static synchronized Ids ids() {
        if (ids == null) {
            if (Processes.run(List.of("id", "-u", NAME)).exitCode() != 0) {
                Processes.Result added = Processes.run(List.of("useradd", "--system", "--create-home",
                        "--shell", "/bin/bash", NAME));
                // 9: the user exists, created meanwhile by another JVM.
                if (added.exitCode() != 0 && added.exitCode() != 9) {
                    throw new IllegalStateException("cannot create OS user " + NAME + " (running as root, and "
                            + "PostgreSQL/Elasticsearch refuse root): " + added.output());
                }
            }
            ids = new Ids(Integer.parseInt(Processes.runOrThrow(List.of("id", "-u", NAME)).strip()),
                    Integer.parseInt(Processes.runOrThrow(List.of("id", "-g", NAME)).strip()));
        }
        return ids;
    }

    private static boolean detectRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
