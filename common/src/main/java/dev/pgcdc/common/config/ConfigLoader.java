package dev.pgcdc.common.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the YAML configuration into {@link PgcdcConfig}, or fails with a {@link ConfigException}
 * listing every problem. Touches nothing but the file. No message echoes a credential: values
 * after credential keys are masked in every problem, even when the YAML does not parse.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static PgcdcConfig load(Path file, Daemon daemon) {
        return load(file, daemon, System.getenv());
    }

    /** Like {@link #load(Path, Daemon)}, with the environment {@code ${VAR}} is resolved from. */
    public static PgcdcConfig load(Path file, Daemon daemon, Map<String, String> environment) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file.toAbsolutePath() + " does not exist; pass the right path"
                    + " with --config (the project's config.yaml is an example)");
        } catch (CharacterCodingException e) {
            throw new ConfigException("config file " + file.toAbsolutePath() + " is not UTF-8 text; save it as UTF-8");
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                throw new ConfigException("config file " + file.toAbsolutePath() + " is a directory; pass the path of"
                        + " the YAML file with --config");
            }
            throw new ConfigException("cannot read config file " + file.toAbsolutePath() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()) + "; check the path and its permissions");
        }
        return parse(text, file.toString(), daemon, environment::get);
    }

    /**
     * Parses configuration text; {@code sourceName} names it in messages (e.g. the file path) and
     * {@code environment} resolves {@code ${VAR}} (null for an unset variable).
     */
    public static PgcdcConfig parse(String yaml, String sourceName, Daemon daemon, Function<String, String> environment) {
        try {
            return parseUnscrubbed(yaml, sourceName, daemon, environment);
        } catch (ConfigException e) {
            throw new ConfigException(SecretScrubber.of(yaml).scrub(e.problems()));
        }
    }

    private static PgcdcConfig parseUnscrubbed(String yaml, String sourceName, Daemon daemon,
            Function<String, String> environment) {
        Node root = compose(new StringReader(yaml), sourceName);
        if (!(root instanceof MappingNode)) {
            throw new ConfigException(sourceName + ": the file must be a YAML mapping with sections such as postgres:,"
                    + " kafka: and elasticsearch:" + (root == null ? " (it is empty)" : ""));
        }
        List<String> problems = new ArrayList<>();
        ConfigNode node = new ConfigNode("", root, problems, environment);
        PgcdcConfig config = PgcdcConfig.from(node, daemon);
        node.reportUnknownKeys();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static Node compose(Reader reader, String sourceName) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        try {
            return new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String what = e.getProblem() != null ? e.getProblem() : e.getContext();
            // Never echo the offending line: it could hold a secret.
            throw new ConfigException(sourceName + ": malformed YAML" + where + ": " + what
                    + "; check indentation (spaces, not tabs) and quoting");
        } catch (YAMLException e) {
            throw new ConfigException(sourceName + ": malformed YAML: " + e.getClass().getSimpleName());
        }
    }
}
