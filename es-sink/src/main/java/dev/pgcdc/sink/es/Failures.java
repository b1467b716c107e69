package dev.pgcdc.sink.es;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import java.io.IOException;
import org.elasticsearch.client.ResponseException;

/**
 * Sorts failures of whole Elasticsearch requests by type and HTTP status (never by message
 * text): 401/403 are fatal, and so is a TLS certificate the client refused (untrusted CA or a host name
 * the certificate does not list: reconnecting cannot cure it, though it arrives as an I/O error);
 * 408/429/5xx and other I/O errors retriable, other 4xx permanent.
 */
public final class Failures {

    /** What a failure means for the sink. */
    public enum Kind { AUTH, TLS, RETRIABLE, TOO_LARGE, PERMANENT }

    private Failures() {
    }

    /** The HTTP status found on the cause chain, or -1 when there is none (e.g. connection refused). */
    public static int status(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            int status = -1;
            if (cause instanceof ElasticsearchException e) {
                status = e.status();
            } else if (cause instanceof TransportException e) {
                status = e.statusCode();
            } else if (cause instanceof ResponseException e) {
                status = e.getResponse().getStatusLine().getStatusCode();
            }
            if (status > 0) {
                return status;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return -1;
    }

    public static Kind classify(Throwable failure) {
        int status = status(failure);
        if (status > 0) {
            return ofStatus(status);
        }
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLHandshakeException
                    || cause instanceof javax.net.ssl.SSLPeerUnverifiedException
                    || cause instanceof java.security.cert.CertificateException) {
                return Kind.TLS;
            }
        }
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return Kind.RETRIABLE;
            }
        }
        return Kind.PERMANENT;
    }

    public static Kind ofStatus(int status) {
        if (status == 401 || status == 403) {
            return Kind.AUTH;
        }
        if (status == 413) {
            return Kind.TOO_LARGE;
        }
        if (status == 408 || status == 429 || status >= 500) {
            return Kind.RETRIABLE;
        }
        return Kind.PERMANENT;
    }

    /** A short description without payloads or credentials, for logs and dead-letter reasons. */
    public static String describe(Throwable failure) {
        int status = status(failure);
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + firstLine(root.getMessage());
        return (status > 0 ? "HTTP " + status + ", " : "") + root.getClass().getSimpleName() + message;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        String line = newline >= 0 ? text.substring(0, newline) : text;
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
