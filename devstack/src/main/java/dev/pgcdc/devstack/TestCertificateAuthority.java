package dev.pgcdc.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A throw-away certificate authority for TLS tests, made with the {@code openssl} command line in a
 * temporary directory: a self-signed CA and, on request, server certificates it signs for
 * {@code localhost} and {@code 127.0.0.1} (subject alternative names), so clients can verify the host name
 * ({@code sslmode=verify-full}). Keys are unencrypted PKCS#8 PEM, which PostgreSQL and Elasticsearch both
 * read. {@link #close()} deletes the directory; servers copy what they need into their own directories.
 * Not thread-safe.
 */
public final class TestCertificateAuthority implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A server certificate (PEM, leaf only) and its private key (PEM), signed by {@link #certificate()}. */
    public record ServerCertificate(Path certificate, Path privateKey) {
    }

    private final Path directory;
    private final Path certificate;
    private final Path key;
    private int issued;

    private TestCertificateAuthority(String commonName) {
        this.directory = TempDirs.create("ca");
        this.certificate = directory.resolve("ca.pem");
        this.key = directory.resolve("ca.key");
        try {
            openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                    certificate.toString(), "-days", "3", "-subj", "/CN=" + commonName,
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A new CA whose certificate has the subject {@code CN=commonName}. */
    public static TestCertificateAuthority create(String commonName) {
        return new TestCertificateAuthority(commonName);
    }

    /** The CA certificate (PEM): what a client trusts. */
    public Path certificate() {
        return certificate;
    }

    /** SHA-256 of the CA certificate's DER encoding, lower-case hex without colons. */
    public String sha256Fingerprint() {
        try (InputStream in = Files.newInputStream(certificate)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read " + certificate, e);
        }
    }

    /** A TLS context that trusts this CA only, for test clients. */
    public javax.net.ssl.SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(certificate)) {
            java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trust store from " + certificate, e);
        }
    }

    /** A server certificate for DNS {@code localhost} and IP {@code 127.0.0.1}, valid for three days. */
    public ServerCertificate issueServerCertificate() {
        int n = ++issued;
        Path serverKey = directory.resolve("server-" + n + ".key");
        Path request = directory.resolve("server-" + n + ".csr");
        Path serverCertificate = directory.resolve("server-" + n + ".pem");
        Path extensions = directory.resolve("server-" + n + ".ext");
        try {
            Files.writeString(extensions, """
                    basicConstraints = CA:FALSE
                    keyUsage = critical, digitalSignature, keyEncipherment
                    extendedKeyUsage = serverAuth
                    subjectAltName = DNS:localhost, IP:127.0.0.1
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", serverKey.toString(), "-out", request.toString(),
                "-subj", "/CN=localhost");
        openssl("x509", "-req", "-in", request.toString(), "-CA", certificate.toString(), "-CAkey", key.toString(),
                "-CAcreateserial", "-out", serverCertificate.toString(), "-days", "3", "-sha256",
                "-extfile", extensions.toString());
        return new ServerCertificate(serverCertificate, serverKey);
    }

    @Override
    public void close() {
        TempDirs.delete(directory);
    }

    @Override
    public String toString() {
        return "TestCertificateAuthority[" + certificate + "]";
    }

    private void openssl(String... arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        Processes.Result result = Processes.run(command, Map.of(), directory, null, TIMEOUT);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("openssl exited with code " + result.exitCode() + ": "
                    + String.join(" ", command) + "\n" + result.output());
        }
    }
}
