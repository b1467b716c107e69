package dev.pgcdc.replicator.pg;

import java.time.Duration;

/**
 * What the start-up checks learned about the server.
 *
 * @param versionNum {@code server_version_num}, e.g. 150004
 * @param walSenderTimeout zero when disabled
 */
public record ServerFacts(int versionNum, Duration walSenderTimeout) {

    /** pgoutput's {@code messages} option exists from PostgreSQL 14 on. */
    public boolean supportsMessages() {
        return versionNum >= 140000;
    }
}
