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

import dev.rlhf.lm.commandline.Commands;
import dev.rlhf.lm.commandline.FlagTable;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

/**
 * The import/export command line: the platform's own Spring application started without a web server (and
 * without demo data), against the database in {@code SPRING_DATASOURCE_URL} (or the embedded one in
 * {@code rlhf.data-dir}), calling the same importer and exporter as the web pages and the REST API.
 * <pre>
 * import posts|comparisons FILE
 * export comparisons|pairs FILE [--batch NAME] [--split=SPLIT] [--labeler=PSEUDONYM] [--from=YYYY-MM-DD] [--to=YYYY-MM-DD]
 * </pre>
 * Exit status 0 on success, 1 for a bad file (the line and field are printed), 2 for bad usage.
 */
public final class DataCli {
    private DataCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    /** The command line: {@code import KIND FILE} and {@code export KIND FILE [filters]}. */
    static FlagTable options() {
        FlagTable importing = new FlagTable("import", "Import a jsonl file into the database, as the web pages and the API do.")
                .positional("kind", "KIND", "posts or comparisons")
                .positional("file", "FILE", "the jsonl file");
        FlagTable exporting = new FlagTable("export", "Export labels from the database as jsonl.")
                .positional("kind", "KIND", "comparisons or pairs")
                .positional("file", "FILE", "the file to write")
                .add("batch", null, "Only this batch (by name).")
                .add("split", null, "Only this split.")
                .add("labeler", null, "Only this labeler (pseudonym).")
                .add("from", null, "Only labels from this day on (YYYY-MM-DD).")
                .add("to", null, "Only labels up to this day (YYYY-MM-DD).");
        return new FlagTable("data", "Import posts or comparisons, export comparisons or pairs (the platform's database).")
                .subcommand(importing).subcommand(exporting);
    }

    static int run(String[] args, PrintStream err) {
        int[] status = {0};
        try {
            FlagTable options = options();
            int parsed = Commands.run(options.spec(), args, System.out, err, result -> {
                if (!result.hasSubcommand()) throw new IllegalArgumentException("give a command: import or export (see --help)");
                String command = result.subcommand().commandSpec().name();
                Map<String, String> o = options.subcommand(command).values(result.subcommand());
                status[0] = execute(command, o.get("kind"), o.get("file"), o, err);
            });
            return parsed != 0 ? parsed : status[0];
        } catch (Exception e) {
            err.println("failed: " + e.getMessage());
            return 1;
        }
    }

    private static int execute(String command, String what, String fileName, Map<String, String> options, PrintStream err) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RlhfApplication.class)
                .web(WebApplicationType.NONE)
                .properties("rlhf.demo.enabled=false", "spring.main.banner-mode=off",
                        "logging.level.root=WARN", "rlhf.labeling.sweep-interval=24h")
                .run()) {
            Path file = Path.of(fileName);
            if (command.equals("import")) {
                ImportKind kind = switch (what) {
                    case "posts" -> ImportKind.POSTS;
                    case "comparisons" -> ImportKind.COMPARISONS;
                    default -> null;
                };
                if (kind == null) {
                    err.println("import what? 'posts' or 'comparisons', not '" + what + "'");
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
            Optional<ExportFormat> format = ExportFormat.named(what);
            if (format.isEmpty()) {
                err.println("export what? 'comparisons' or 'pairs', not '" + what + "'");
                return 2;
            }
            ExportFilter filter = new ExportFilter(options.get("batch"), options.get("split"), options.get("labeler"),
                    options.containsKey("from") ? LocalDate.parse(options.get("from")) : null,
                    options.containsKey("to") ? LocalDate.parse(options.get("to")) : null);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                long lines = context.getBean(LabelExporter.class).export(format.get(), filter, out);
                err.printf("exported %d lines to %s%n", lines, file);
            }
            return 0;
        } catch (Exception failure) {
            err.println("failed: " + failure.getMessage());
            return 1;
        }
    }
}
