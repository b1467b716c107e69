package dev.pgcdc.e2e.verify;

import dev.pgcdc.common.config.ConfigException;
import dev.pgcdc.common.config.ConfigLoader;
import dev.pgcdc.common.config.Daemon;
import dev.pgcdc.common.config.PgcdcConfig;
import dev.pgcdc.common.config.TableConfig;
import dev.pgcdc.common.config.TableId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code verify --config config.yaml [--table schema.table]... [--max-differences N]}: compares each
 * table (default: every configured table) with its index and prints a summary per table. Exit status 0
 * when every table equals its index, 1 when any differs, 2 when the comparison could not run.
 */
public final class VerifyMain {

    private VerifyMain() {
    }

    public static void main(String[] args) {
        // The replicator's shaded jar brings a second logback.xml; without this logback prints its status.
        System.setProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
        System.exit(run(args));
    }

    static int run(String[] args) {
        Path config = null;
        List<TableId> tables = new ArrayList<>();
        int maxDifferences = 20;
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].startsWith("--") && i + 1 == args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                switch (args[i]) {
                    case "--config" -> config = Path.of(args[++i]);
                    case "--table" -> tables.add(TableId.parse(args[++i]));
                    case "--max-differences" -> maxDifferences = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (config == null) {
                throw new IllegalArgumentException("--config is required");
            }
        } catch (RuntimeException e) {
            System.err.println("verify: " + e.getMessage());
            System.err.println("usage: verify --config config.yaml [--table schema.table]... [--max-differences N]");
            return 2;
        }
        try {
            PgcdcConfig loaded = ConfigLoader.load(config, Daemon.ANY);
            if (tables.isEmpty()) {
                loaded.postgres().tables().stream().map(TableConfig::id).forEach(tables::add);
            }
            boolean equal = true;
            try (Verifier verifier = new Verifier(loaded, maxDifferences)) {
                for (TableId table : tables) {
                    VerifyReport report = verifier.verify(table);
                    System.out.print(report.summary());
                    equal &= report.isClean();
                }
            }
            return equal ? 0 : 1;
        } catch (ConfigException e) {
            System.err.println("verify: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            // Messages of SQL and HTTP errors do not contain the configured secrets.
            System.err.println("verify: cannot compare: " + e);
            return 2;
        }
    }
}
