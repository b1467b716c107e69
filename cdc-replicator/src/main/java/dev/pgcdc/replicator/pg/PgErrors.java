package dev.pgcdc.replicator.pg;

import dev.pgcdc.replicator.FatalException;
import dev.pgcdc.replicator.RetriableException;
import java.io.IOException;
import java.sql.SQLException;

/**
 * Sorts PostgreSQL failures by SQLSTATE (and I/O exception type), walking the cause chain; never by
 * message text. Retriable: connection failures (class 08), server shutting down or starting (57P01,
 * 57P02, 57P03), too many connections / out of resources (class 53), an object in use (55006: the
 * slot is still held by the walsender of a dead session), serialization failures (class 40), and
 * I/O errors. Fatal: authentication (class 28), privileges (42501), a missing database (3D000), a
 * missing or invalidated slot, a TLS handshake the client refused (an untrusted or mismatched server
 * certificate: pgjdbc reports it as a connection failure, class 08, but reconnecting cannot cure it) or a
 * file named in {@code postgres.properties} that cannot be read, and anything else the replicator cannot
 * cure by reconnecting.
 */
public final class PgErrors {

    private PgErrors() {
    }

    public static RuntimeException classify(String what, Throwable error) {
        if (error instanceof FatalException || error instanceof RetriableException) {
            return (RuntimeException) error;
        }
        RuntimeException tls = tlsProblem(what, error);
        if (tls != null) {
            return tls;
        }
        String state = sqlState(error);
        if (state != null) {
            if (state.startsWith("28")) {
                return new FatalException(what + ": PostgreSQL rejected the login (SQLSTATE " + state
                        + "); check postgres.user and postgres.password and pg_hba.conf", error);
            }
            if (state.equals("42501")) {
                return new FatalException(what + ": permission denied (SQLSTATE 42501): " + firstLine(error)
                        + "; grant the privilege to the replicator's role", error);
            }
            if (state.equals("3D000")) {
                return new FatalException(what + ": the database does not exist (SQLSTATE 3D000); check postgres.dbname",
                        error);
            }
            if (isRetriable(state)) {
                return new RetriableException(what + ": " + firstLine(error) + " (SQLSTATE " + state + ")", error);
            }
            return new FatalException(what + ": " + firstLine(error) + " (SQLSTATE " + state + ")", error);
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                return new RetriableException(what + ": " + t, error);
            }
        }
        return new FatalException(what + ": " + error, error);
    }

    /** A fatal error for a refused certificate or an unreadable TLS file along the cause chain, else null. */
    private static FatalException tlsProblem(String what, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof java.security.cert.CertificateException) {
                return new FatalException(what + ": the TLS handshake failed (" + firstLine(t) + "); the server"
                        + " certificate is not trusted or does not match the host: set postgres.properties.sslrootcert"
                        + " to the PEM file of the CA that signed the server's certificate, and with sslmode verify-full"
                        + " make postgres.host a name the certificate lists", error);
            }
            if (t instanceof java.io.FileNotFoundException || t instanceof java.nio.file.NoSuchFileException
                    || t instanceof java.nio.file.AccessDeniedException) {
                return new FatalException(what + ": cannot read " + firstLine(t) + "; check the file paths in"
                        + " postgres.properties (sslrootcert, sslcert, sslkey)", error);
            }
        }
        return null;
    }

    /** True when the SQLSTATE means "try again with a new connection". */
    static boolean isRetriable(String state) {
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("40")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("55006") || state.equals("57014");
    }

    /** The first SQLSTATE found along the cause chain, or null. */
    static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    private static String firstLine(Throwable error) {
        String message = error.getMessage();
        if (message == null) {
            return error.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }
}
