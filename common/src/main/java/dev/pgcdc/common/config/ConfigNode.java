package dev.pgcdc.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One mapping of the YAML configuration, read by typed getters. Each getter records the key as
 * known, substitutes {@code ${VAR}} and {@code ${VAR:-default}} from the environment, checks the
 * type and range, and on a problem records a message naming the full key, its YAML line and the
 * fix, then returns the default so that reading goes on and every problem is reported at once.
 * After a section has been read, {@link #reportUnknownKeys()} flags every key nobody asked for,
 * with a "did you mean" suggestion.
 *
 * <p>Not thread-safe; used only while loading.
 */
public final class ConfigNode {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final String path;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> known = new LinkedHashSet<>();
    private final List<ConfigNode> children = new ArrayList<>();
    private final List<String> problems;
    private final Function<String, String> environment;

    ConfigNode(String path, Node node, List<String> problems, Function<String, String> environment) {
        this.path = path;
        this.node = node;
        this.problems = problems;
        this.environment = environment;
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key) {
                    NodeTuple earlier = entries.putIfAbsent(key.getValue(), tuple);
                    if (earlier != null) {
                        // SnakeYAML's compose() does not check duplicates; a silent "last one wins" hides typos.
                        problem(key, "duplicate key '" + key.getValue() + "' (first at line " + line(earlier.getKeyNode())
                                + "); keep one of them");
                    }
                } else {
                    problem(tuple.getKeyNode(), "a key must be a plain name");
                }
            }
        }
    }

    /** The dotted path of this mapping, e.g. {@code postgres} or {@code elasticsearch.mappings}. */
    public String path() {
        return path;
    }

    public boolean has(String key) {
        known.add(key);
        return entries.containsKey(key) && !(entries.get(key).getValueNode() instanceof ScalarNode s && isNull(s));
    }

    /** Keys present in this mapping, in file order. */
    public List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    public String string(String key, String defaultValue) {
        String value = scalar(key);
        return value == null ? defaultValue : value;
    }

    public String requiredString(String key, String hint) {
        int reported = problems.size();
        String value = scalar(key);
        if (value == null || value.isBlank()) {
            if (!entries.containsKey(key)) {
                missing(key, hint);
            } else if (problems.size() == reported) {
                problem(key, "must not be empty; " + hint);
            }
            return "";
        }
        return value;
    }

    /** A credential: never echoed in a message, even when it is malformed. */
    public Secret secret(String key) {
        NodeTuple tuple = entries.get(key);
        known.add(key);
        if (tuple == null) {
            return null;
        }
        if (!(tuple.getValueNode() instanceof ScalarNode scalar)) {
            problem(key, "expected a single value (a string), not a list or a mapping");
            return null;
        }
        if (isNull(scalar)) {
            return null;
        }
        String value = substitute(key, scalar.getValue());
        return value == null ? null : new Secret(value);
    }

    /** A whole number in {@code [min, max]}; {@code _} separators are allowed ({@code 10_000}). */
    public int integer(String key, int defaultValue, int min, int max) {
        String value = scalar(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim().replace("_", ""));
            if (parsed < min || parsed > max) {
                problem(key, "must be between " + min + " and " + max + ", got " + parsed);
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problem(key, "expected a whole number between " + min + " and " + max + ", got '" + value + "'");
            return defaultValue;
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        String value = scalar(key);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> {
                problem(key, "expected true or false, got '" + value + "'");
                yield defaultValue;
            }
        };
    }

    /** A duration written as {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 7d}, or plain milliseconds. */
    public Duration duration(String key, Duration defaultValue) {
        String value = scalar(key);
        if (value == null) {
            return defaultValue;
        }
        Matcher matcher = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?").matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            problem(key, "expected a duration such as 500ms, 10s, 5m, 2h or 7d, got '" + value + "'");
            return defaultValue;
        }
        String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
        try {
            long amount = Long.parseLong(matcher.group(1));
            Duration duration = switch (unit) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofMillis(amount);
            };
            // Callers work in milliseconds; toMillis() throws when the value does not fit.
            duration.toMillis();
            return duration;
        } catch (NumberFormatException | ArithmeticException e) {
            problem(key, "'" + value + "' is too long a duration; use at most a few years, e.g. 365d");
            return defaultValue;
        }
    }

    /** A size written as {@code 1048576}, {@code 512kb}, {@code 10mb} or {@code 1gb} (binary units). */
    public long bytes(String key, long defaultValue) {
        String value = scalar(key);
        if (value == null) {
            return defaultValue;
        }
        Matcher matcher = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g)?").matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            problem(key, "expected a size such as 1048576, 512kb, 10mb or 1gb, got '" + value + "'");
            return defaultValue;
        }
        String unit = matcher.group(2) == null ? "b" : matcher.group(2);
        try {
            long amount = Long.parseLong(matcher.group(1));
            return switch (unit) {
                case "kb", "k" -> Math.multiplyExact(amount, 1024L);
                case "mb", "m" -> Math.multiplyExact(amount, 1024L * 1024);
                case "gb", "g" -> Math.multiplyExact(amount, 1024L * 1024 * 1024);
                default -> amount;
            };
        } catch (NumberFormatException | ArithmeticException e) {
            problem(key, "'" + value + "' is too large a size; use e.g. 10mb or 1gb");
            return defaultValue;
        }
    }

    /** An enum written as its lower-case name ({@code when_needed}; {@code when-needed} also accepted). */
    public <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
        String value = scalar(key);
        if (value == null) {
            return defaultValue;
        }
        String wanted = value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted)) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase(Locale.ROOT));
        }
        problem(key, "expected one of " + String.join(", ", names) + ", got '" + value + "'");
        return defaultValue;
    }

    /** A list of strings; a single scalar counts as a one-element list. */
    public List<String> stringList(String key, List<String> defaultValue) {
        NodeTuple tuple = entries.get(key);
        known.add(key);
        if (tuple == null || tuple.getValueNode() instanceof ScalarNode s && isNull(s)) {
            return defaultValue;
        }
        Node value = tuple.getValueNode();
        if (value instanceof ScalarNode scalar) {
            String substituted = substitute(key, scalar.getValue());
            return substituted == null ? defaultValue : List.of(substituted);
        }
        if (!(value instanceof SequenceNode sequence)) {
            problem(key, "expected a list of strings");
            return defaultValue;
        }
        List<String> result = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            if (item instanceof ScalarNode scalar && !isNull(scalar)) {
                String substituted = substitute(key, scalar.getValue());
                if (substituted != null) {
                    result.add(substituted);
                }
            } else {
                problem(key, "line " + line(item) + ": each element must be a plain string");
            }
        }
        return List.copyOf(result);
    }

    public List<String> requiredStringList(String key, String hint) {
        int reported = problems.size();
        List<String> values = stringList(key, null);
        if (values == null) {
            if (!entries.containsKey(key)) {
                missing(key, hint);
            } else if (problems.size() == reported) {
                problem(key, "must list at least one entry; " + hint);
            }
            return List.of();
        }
        if (values.isEmpty()) {
            problem(key, "must list at least one entry; " + hint);
        }
        return values;
    }

    /**
     * A list whose elements are strings or mappings (e.g. {@code tables:} entries that are either
     * {@code public.users} or {@code {name: public.t, key_columns: [a]}}). Strings come back as
     * {@code String}, mappings as {@code ConfigNode}.
     */
    public List<Object> mixedList(String key) {
        NodeTuple tuple = entries.get(key);
        known.add(key);
        if (tuple == null) {
            return null;
        }
        Node value = tuple.getValueNode();
        if (value instanceof ScalarNode scalar) {
            if (isNull(scalar)) {
                return null;
            }
            String substituted = substitute(key, scalar.getValue());
            return substituted == null ? List.of() : List.of(substituted);
        }
        if (!(value instanceof SequenceNode sequence)) {
            problem(key, "expected a list");
            return List.of();
        }
        List<Object> result = new ArrayList<>();
        int index = 0;
        for (Node item : sequence.getValue()) {
            if (item instanceof ScalarNode scalar) {
                String substituted = substitute(key, scalar.getValue());
                if (substituted != null) {
                    result.add(substituted);
                }
            } else if (item instanceof MappingNode) {
                ConfigNode child = new ConfigNode(path(key) + "[" + index + "]", item, problems, environment);
                children.add(child);
                result.add(child);
            } else {
                problem(key, "line " + line(item) + ": a list element must be a string or a mapping");
            }
            index++;
        }
        return result;
    }

    /** A nested mapping; an absent key gives an empty section, so defaults apply. */
    public ConfigNode section(String key) {
        NodeTuple tuple = entries.get(key);
        known.add(key);
        Node value = tuple == null ? null : tuple.getValueNode();
        if (value != null && !(value instanceof MappingNode) && !(value instanceof ScalarNode s && isNull(s))) {
            problem(key, "expected a mapping of keys (indented lines of 'name: value')");
            value = null;
        }
        ConfigNode child = new ConfigNode(path(key), value instanceof MappingNode ? value : null, problems, environment);
        children.add(child);
        return child;
    }

    /**
     * Free-form settings passed through to a client (e.g. Kafka properties). Nested mappings are
     * flattened with dots, so {@code compression: {type: lz4}} and {@code compression.type: lz4}
     * mean the same. The values are not checked here; the client checks them.
     */
    public PassThroughProperties passThrough(String key) {
        NodeTuple tuple = entries.get(key);
        known.add(key);
        Map<String, String> result = new LinkedHashMap<>();
        if (tuple != null) {
            if (tuple.getValueNode() instanceof MappingNode mapping) {
                flatten(path(key), "", mapping, result);
            } else if (!(tuple.getValueNode() instanceof ScalarNode s && isNull(s))) {
                problem(key, "expected a mapping of client property names to values");
            }
        }
        return new PassThroughProperties(result);
    }

    private void flatten(String fullPath, String prefix, MappingNode mapping, Map<String, String> into) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                problem(tuple.getKeyNode(), "a key must be a plain name");
                continue;
            }
            String name = prefix + keyNode.getValue();
            Node value = tuple.getValueNode();
            if (value instanceof MappingNode nested) {
                flatten(fullPath, name + ".", nested, into);
            } else if (value instanceof ScalarNode scalar) {
                String substituted = substitute(relative(fullPath) + "." + name, scalar.getValue());
                if (substituted != null) {
                    into.put(name, substituted);
                }
            } else if (value instanceof SequenceNode sequence) {
                List<String> items = new ArrayList<>();
                for (Node item : sequence.getValue()) {
                    if (item instanceof ScalarNode scalar) {
                        String substituted = substitute(relative(fullPath) + "." + name, scalar.getValue());
                        items.add(substituted == null ? "" : substituted);
                    } else {
                        problem(item, "each element of " + fullPath + "." + name + " must be a plain value");
                    }
                }
                into.put(name, String.join(",", items));
            }
        }
    }

    private String relative(String fullPath) {
        return fullPath.substring(path.isEmpty() ? 0 : path.length() + 1);
    }

    /** Records a problem with the value of {@code key} in this mapping. */
    public void problem(String key, String message) {
        NodeTuple tuple = entries.get(key);
        String where = tuple == null ? "" : " (line " + line(tuple.getValueNode()) + ")";
        problems.add(path(key) + where + ": " + message);
    }

    private void problem(Node at, String message) {
        problems.add((path.isEmpty() ? "configuration" : path) + " (line " + line(at) + "): " + message);
    }

    private void missing(String key, String hint) {
        String where = node == null ? "" : " (in the mapping starting at line " + line(node) + ")";
        problems.add(path(key) + ": required key is missing" + where + "; " + hint);
    }

    /** Flags every key of this mapping and its sections that no getter asked for. */
    public void reportUnknownKeys() {
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!known.contains(entry.getKey())) {
                String suggestion = closest(entry.getKey(), known);
                problems.add(path(entry.getKey()) + " (line " + line(entry.getValue().getKeyNode()) + "): unknown key"
                        + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?")
                        + (known.isEmpty() ? "" : " Known keys here: " + String.join(", ", known) + "."));
            }
        }
        for (ConfigNode child : children) {
            child.reportUnknownKeys();
        }
    }

    private String scalar(String key) {
        NodeTuple tuple = entries.get(key);
        known.add(key);
        if (tuple == null) {
            return null;
        }
        if (!(tuple.getValueNode() instanceof ScalarNode scalar)) {
            problem(key, "expected a single value, not a list or a mapping");
            return null;
        }
        if (isNull(scalar)) {
            return null;
        }
        return substitute(key, scalar.getValue());
    }

    private String substitute(String key, String raw) {
        Matcher matcher = VARIABLE.matcher(raw);
        StringBuilder result = new StringBuilder();
        boolean ok = true;
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = environment.apply(name);
            if (value == null) {
                value = matcher.group(2);
            }
            if (value == null) {
                problem(key, "environment variable " + name + " is not set; export it or write ${" + name
                        + ":-default} to give a default");
                ok = false;
                value = "";
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        return ok ? result.toString() : null;
    }

    private String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static boolean isNull(ScalarNode scalar) {
        return scalar.getTag().getValue().endsWith(":null");
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    static String closest(String key, Set<String> candidates) {
        String lower = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        return candidates.stream()
                .filter(candidate -> {
                    String c = candidate.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
                    return c.equals(lower) || distance(c, lower) <= Math.max(2, lower.length() / 3);
                })
                .min(Comparator.comparingInt(candidate -> distance(candidate.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT))))
                .orElse(null);
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
