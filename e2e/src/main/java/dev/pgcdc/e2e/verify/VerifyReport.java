package dev.pgcdc.e2e.verify;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of comparing one table with its index. The hashes are order-independent (the sum of a
 * 64-bit hash of each row's id and canonical text), so equal data gives equal hashes on both sides.
 *
 * @param differences the first differences found (at most the limit asked for), in no particular order
 */
public record VerifyReport(String table, String index, long rows, long documents, long matched, long missing,
                           long extra, long different, long rowsHash, long documentsHash,
                           List<Difference> differences, Duration elapsed) {

    public VerifyReport {
        differences = List.copyOf(differences);
    }

    public long totalDifferences() {
        return missing + extra + different;
    }

    public boolean isClean() {
        return totalDifferences() == 0;
    }

    /** A multi-line human summary: counts, hashes, then the differences listed. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%s -> %s: %s%n", table, index, isClean() ? "EQUAL" : "DIFFERENT"));
        out.append(String.format("  rows %d, documents %d, matched %d, missing %d, extra %d, different %d%n",
                rows, documents, matched, missing, extra, different));
        out.append(String.format("  hash postgres %016x, elasticsearch %016x; %d ms%n", rowsHash, documentsHash,
                elapsed.toMillis()));
        for (Difference d : differences) {
            String detail = d.detail().length() > 500 ? d.detail().substring(0, 500) + "..." : d.detail();
            out.append("  ").append(d.kind()).append(' ').append(d.id()).append(": ").append(detail)
                    .append(System.lineSeparator());
        }
        if (differences.size() < totalDifferences()) {
            out.append(String.format("  ... %d more%n", totalDifferences() - differences.size()));
        }
        return out.toString();
    }
}
