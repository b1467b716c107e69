package dev.pgcdc.common.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the values written after credential keys ({@code password}, {@code api_key}, see
 * {@link PassThroughProperties#isSensitive}) wherever they reappear in a problem message. It reads
 * the raw YAML text line by line, so it works even when the file does not parse, which is when
 * the parser may quote part of a line (e.g. "found undefined alias ..."). The messages are
 * written not to echo values in the first place; this is the second line of defence.
 */
final class SecretScrubber {

    private static final String MASK = "******";
    /** Shorter values would mask ordinary words; they are no secret worth the name anyway. */
    private static final int SHORTEST = 4;
    private static final Pattern KEY_VALUE = Pattern.compile("[\"']?([A-Za-z0-9_.\\-]+)[\"']?[ \\t]*:(?:[ \\t]+|$)(.*)");
    private static final Pattern KEY_WITHOUT_COLON = Pattern.compile("^[ \\t]*(?:-[ \\t]+)?([A-Za-z0-9_.\\-]+)[ \\t]+(\\S.*)$");
    /** A variable reference names no secret; its default may be one. The brace may be cut off by a flow split. */
    private static final Pattern VARIABLE_ONLY = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::-([^}]*))?}?");

    private final List<String> values;

    private SecretScrubber(List<String> values) {
        this.values = values;
    }

    static SecretScrubber of(String yaml) {
        Set<String> found = new LinkedHashSet<>();
        String[] lines = yaml.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher pair = KEY_VALUE.matcher(lines[i]);
            // The value group runs to the end of the line; searching on from its start finds
            // the later keys of a flow mapping too.
            for (int from = 0; from < lines[i].length() && pair.find(from); from = pair.start(2)) {
                if (PassThroughProperties.isSensitive(pair.group(1))) {
                    String rest = pair.group(2);
                    addCandidates(rest, found);
                    // A flow mapping ({password: x, user: y}) ends the value at the next comma or brace.
                    addCandidates(rest.split("[,}\\]]", 2)[0], found);
                    if (rest.isBlank() || rest.startsWith("|") || rest.startsWith(">")) {
                        addFollowingLines(lines, i, found);
                    }
                }
            }
            Matcher noColon = KEY_WITHOUT_COLON.matcher(lines[i]);
            if (noColon.matches() && !lines[i].contains(":") && PassThroughProperties.isSensitive(noColon.group(1))) {
                addCandidates(noColon.group(2), found);
            }
        }
        List<String> values = new ArrayList<>(found);
        // Longest first, so that a value containing another is masked whole.
        values.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretScrubber(List.copyOf(values));
    }

    /** Block scalars and values on the next line: the lines indented deeper than the key. */
    private static void addFollowingLines(String[] lines, int keyLine, Set<String> found) {
        int keyIndent = indent(lines[keyLine]);
        for (int j = keyLine + 1; j < lines.length; j++) {
            if (!lines[j].isBlank() && indent(lines[j]) <= keyIndent) {
                break;
            }
            addCandidates(lines[j], found);
        }
    }

    private static void addCandidates(String raw, Set<String> found) {
        String value = raw.strip();
        add(value, found);
        int comment = value.indexOf(" #");
        if (comment > 0) {
            value = value.substring(0, comment).strip();
            add(value, found);
        }
        if (value.startsWith("!")) {
            int space = value.indexOf(' ');
            value = space < 0 ? value.substring(1) : value.substring(space + 1).strip();
            add(value, found);
        }
        if (value.startsWith("*") || value.startsWith("&")) {
            add(value.substring(1), found);
            value = value.substring(1).split("\\s", 2)[0];
            add(value, found);
        }
        if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
            String unquoted = value.substring(1);
            add(unquoted, found);
            char quote = value.charAt(0);
            if (unquoted.endsWith(String.valueOf(quote))) {
                add(unquoted.substring(0, unquoted.length() - 1), found);
            }
        }
    }

    private static void add(String value, Set<String> found) {
        String stripped = value.strip();
        Matcher variable = VARIABLE_ONLY.matcher(stripped);
        if (variable.matches()) {
            if (variable.group(1) != null) {
                add(variable.group(1), found);
            }
        } else if (stripped.length() >= SHORTEST) {
            found.add(stripped);
        }
    }

    private static int indent(String line) {
        int indent = 0;
        while (indent < line.length() && (line.charAt(indent) == ' ' || line.charAt(indent) == '\t')) {
            indent++;
        }
        return indent;
    }

    String scrub(String message) {
        String result = message;
        for (String value : values) {
            result = result.replace(value, MASK);
        }
        return result;
    }

    List<String> scrub(List<String> messages) {
        return messages.stream().map(this::scrub).toList();
    }
}
