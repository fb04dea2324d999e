package dev.rlhf.web.cli;

import dev.rlhf.web.RlhfApplication;
import dev.rlhf.web.exporting.ExportFilter;
import dev.rlhf.web.exporting.ExportFormat;
import dev.rlhf.web.exporting.LabelExporter;
import dev.rlhf.web.importing.BadLineException;
import dev.rlhf.web.importing.FileImporter;
import dev.rlhf.web.importing.ImportJob;
import dev.rlhf.web.importing.ImportKind;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The import/export command line: the platform's own Spring application started without a web server (and
 * without demo data), against the database in {@code SPRING_DATASOURCE_URL} (or the embedded one in
 * {@code rlhf.data-dir}), calling the same importer and exporter as the web pages and the REST API.
 * <pre>
 * import posts|comparisons FILE
 * export comparisons|pairs FILE [--batch=NAME] [--split=SPLIT] [--labeler=PSEUDONYM] [--from=YYYY-MM-DD] [--to=YYYY-MM-DD]
 * </pre>
 * Exit status 0 on success, 1 for a bad file (the line and field are printed), 2 for bad usage.
 */
public final class DataCli {
    private DataCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) {
        if (args.length < 3 || !(args[0].equals("import") || args[0].equals("export"))) {
            err.println("usage: import posts|comparisons FILE");
            err.println("       export comparisons|pairs FILE [--batch=NAME] [--split=SPLIT] [--labeler=PSEUDONYM] [--from=DATE] [--to=DATE]");
            return 2;
        }
        Map<String, String> options = new HashMap<>();
        for (String arg : Arrays.copyOfRange(args, 3, args.length)) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                err.println("unknown argument: " + arg);
                return 2;
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RlhfApplication.class)
                .web(WebApplicationType.NONE)
                .properties("rlhf.demo.enabled=false", "spring.main.banner-mode=off",
                        "logging.level.root=WARN", "rlhf.labeling.sweep-interval=24h")
                .run()) {
            Path file = Path.of(args[2]);
            if (args[0].equals("import")) {
                ImportKind kind = switch (args[1]) {
                    case "posts" -> ImportKind.POSTS;
                    case "comparisons" -> ImportKind.COMPARISONS;
                    default -> null;
                };
                if (kind == null) {
                    err.println("import what? 'posts' or 'comparisons', not '" + args[1] + "'");
                    return 2;
                }
                ProgressBar bar = new ProgressBar(err);
                try {
                    ImportJob job = context.getBean(FileImporter.class)
                            .importFile(kind, file, file.getFileName().toString(), null, bar);
                    bar.done();
                    err.printf("import job %d: %d lines, %d new, %d already there%n", job.id(), job.rowsTotal(),
                            job.rowsImported(), job.rowsSkipped());
                    err.println(HeapReport.describe());
                    return 0;
                } catch (BadLineException bad) {
                    bar.done();
                    err.println("nothing imported: " + bad.getMessage());
                    return 1;
                }
            }
            ExportFormat format = switch (args[1]) {
                case "comparisons" -> ExportFormat.COMPARISONS;
                case "pairs" -> ExportFormat.PAIRS;
                default -> null;
            };
            if (format == null) {
                err.println("export what? 'comparisons' or 'pairs', not '" + args[1] + "'");
                return 2;
            }
            ExportFilter filter = new ExportFilter(options.get("batch"), options.get("split"), options.get("labeler"),
                    options.containsKey("from") ? LocalDate.parse(options.get("from")) : null,
                    options.containsKey("to") ? LocalDate.parse(options.get("to")) : null);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                long lines = context.getBean(LabelExporter.class).export(format, filter, out);
                err.printf("exported %d lines to %s%n", lines, file);
            }
            return 0;
        } catch (Exception failure) {
            err.println("failed: " + failure.getMessage());
            return 1;
        }
    }
}
