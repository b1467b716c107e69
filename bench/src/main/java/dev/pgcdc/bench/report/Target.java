package dev.pgcdc.bench.report;

/**
 * A goal from the issue: either a ratio of a figure to its baseline measured in the same run, or an
 * absolute bound on a figure (baseline null).
 *
 * @param atLeast true for "≥ threshold", false for "≤ threshold"
 */
public record Target(String name, String figureId, String baselineId, boolean atLeast, double threshold, String text) {

    public static Target ratioAtLeast(String name, String figureId, String baselineId, double threshold, String text) {
        return new Target(name, figureId, baselineId, true, threshold, text);
    }

    public static Target atMost(String name, String figureId, double threshold, String text) {
        return new Target(name, figureId, null, false, threshold, text);
    }

    public static Target atLeast(String name, String figureId, double threshold, String text) {
        return new Target(name, figureId, null, true, threshold, text);
    }
}
