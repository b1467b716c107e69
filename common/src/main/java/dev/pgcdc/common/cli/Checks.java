package dev.pgcdc.common.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The report of a {@code check} command: one line per check, {@code ok} or {@code FAIL} with the
 * fix, printed as each check finishes so a slow one shows where it hangs. Exit code 0 only when
 * every check passed. Callers pass texts without credentials; nothing here masks them.
 *
 * <p>Not thread-safe; used by the command's thread.
 */
public final class Checks {

    /** One check's outcome; {@code fix} is null when it passed (or was skipped). */
    public record Result(String name, Status status, String detail, String fix) {
    }

    /** Skipped: a check that could not run because an earlier one failed; counts as not passed. */
    public enum Status { OK, FAIL, SKIP }

    private final PrintStream out;
    private final List<Result> results = new ArrayList<>();

    public Checks(PrintStream out) {
        this.out = out;
    }

    public void ok(String name, String detail) {
        add(new Result(name, Status.OK, detail, null));
    }

    public void fail(String name, String problem, String fix) {
        add(new Result(name, Status.FAIL, problem, fix));
    }

    public void skip(String name, String why) {
        add(new Result(name, Status.SKIP, why, null));
    }

    private void add(Result result) {
        results.add(result);
        String label = switch (result.status()) {
            case OK -> "ok  ";
            case FAIL -> "FAIL";
            case SKIP -> "skip";
        };
        out.println(label + "  " + result.name() + ": " + oneLine(result.detail())
                + (result.fix() == null ? "" : " -> fix: " + oneLine(result.fix())));
        out.flush();
    }

    public List<Result> results() {
        return List.copyOf(results);
    }

    public boolean allPassed() {
        return results.stream().allMatch(r -> r.status() == Status.OK);
    }

    /** 0 when every check passed, 1 otherwise; also prints the summary line. */
    public int finish() {
        long failed = results.stream().filter(r -> r.status() != Status.OK).count();
        out.println(failed == 0 ? "all " + results.size() + " checks passed"
                : failed + " of " + results.size() + " checks did not pass");
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace("\r", "").replace("\n", "; ").replaceAll("\\s+", " ").trim();
    }
}
