package dev.pgcdc.bench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the one YAML file both daemons read (keys as in common's config records). Only what a run
 * sets is written; everything else keeps the daemons' defaults, which is what is being measured.
 */
public final class PipelineConfig {

    private final Map<String, Map<String, Object>> sections = new LinkedHashMap<>();

    public PipelineConfig set(String section, String key, Object value) {
        sections.computeIfAbsent(section, s -> new LinkedHashMap<>()).put(key, value);
        return this;
    }

    /** A value set before, or null. */
    public Object get(String section, String key) {
        return sections.getOrDefault(section, Map.of()).get(key);
    }

    public Path write(Path file) {
        StringBuilder yaml = new StringBuilder("# written by the bench harness\n");
        sections.forEach((section, values) -> {
            yaml.append(section).append(":\n");
            values.forEach((key, value) -> {
                yaml.append("  ").append(key).append(':');
                if (value instanceof List<?> list) {
                    yaml.append('\n');
                    for (Object item : list) {
                        if (item instanceof Map<?, ?> map) {
                            String prefix = "    - ";
                            for (Map.Entry<?, ?> e : map.entrySet()) {
                                yaml.append(prefix).append(e.getKey()).append(": ").append(scalar(e.getValue()))
                                        .append('\n');
                                prefix = "      ";
                            }
                        } else {
                            yaml.append("    - ").append(scalar(item)).append('\n');
                        }
                    }
                } else {
                    yaml.append(' ').append(scalar(value)).append('\n');
                }
            });
        });
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String scalar(Object value) {
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(v -> items.add(scalar(v)));
            return "[" + String.join(", ", items) + "]";
        }
        String text = String.valueOf(value);
        if (value instanceof Number || value instanceof Boolean) {
            return text;
        }
        return "'" + text.replace("'", "''") + "'";
    }
}
