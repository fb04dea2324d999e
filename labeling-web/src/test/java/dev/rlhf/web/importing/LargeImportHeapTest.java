package dev.rlhf.web.importing;

import com.zaxxer.hikari.HikariDataSource;
import dev.rlhf.web.support.Fixtures;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A generated comparisons file of more than 30 MB (15,000 lines) is imported by the CLI in a separate JVM limited to a 128 MiB
 * heap, against this test's database: it succeeds, everything is stored, and the heap it reports stays under
 * the limit. Holding the file (or its JSON trees) in memory would not fit.
 */
@PlatformTest
class LargeImportHeapTest {
    static final int LINES = 15_000;
    static final int HEAP_MIB = 128;

    @Autowired
    DataSource dataSource;
    @Autowired
    Fixtures fixtures;

    @Test
    void aThirtyFiveMegabyteFileImportsInA128MegabyteHeap() throws Exception {
        String run = "large" + System.nanoTime();
        Path file = Files.createDirectories(Path.of("target", "large-import")).resolve(run + ".jsonl");
        generate(file, run);
        long size = Files.size(file);
        assertThat(size).isGreaterThan(30L * 1024 * 1024);

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP_MIB + "m",
                "-Dspring.datasource.url=" + ((HikariDataSource) dataSource).getJdbcUrl(),
                "-Dspring.datasource.username=postgres",
                "-cp", System.getProperty("java.class.path"),
                "dev.rlhf.web.cli.DataCli", "import", "comparisons", file.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // the embedded server asks for its password (kept out of the command line)
        builder.environment().put("SPRING_DATASOURCE_PASSWORD", ((HikariDataSource) dataSource).getPassword());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        System.out.println("large import of " + size / (1024 * 1024) + " MiB: " + output.lines()
                .filter(l -> l.startsWith("import job") || l.startsWith("heap")).toList());
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains(LINES + " lines, " + LINES + " new");
        Matcher heap = Pattern.compile("heap: peak (\\d+) MiB").matcher(output);
        assertThat(heap.find()).as(output).isTrue();
        assertThat(Integer.parseInt(heap.group(1))).isLessThanOrEqualTo(HEAP_MIB);

        assertThat(fixtures.jdbc().sql("""
                        SELECT count(*) FROM labels l JOIN comparisons c ON c.id = l.comparison_id
                        JOIN batches b ON b.id = c.batch_id WHERE b.name LIKE ?""")
                .param(run + "-%").query(Long.class).single()).isEqualTo(LINES);
        Files.delete(file);
    }

    /** Lines of about 2.2 KB: a long post, two summaries, 40 workers, 4 batches, three splits. */
    static void generate(Path file, String run) throws Exception {
        Random random = new Random(42);
        String[] words = ("my roommate boyfriend girlfriend job money rent apartment friend family school week month "
                + "said told asked because never always really think feel want need know about after before "
                + "the a and but so then when while with without over under").split(" ");
        String[] splits = {"train", "valid1", "valid2"};
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < LINES; i++) {
                StringBuilder post = new StringBuilder();
                while (post.length() < 2000) {
                    post.append(words[random.nextInt(words.length)]).append(' ');
                }
                var line = FeedbackLines.comparison(run + "-t3_" + i, run + "-batch" + (i % 4), splits[i % 3],
                        run + "-w" + (i % 40), i % 2, i % 2 == 0 ? 1 + random.nextInt(4) : 6 + random.nextInt(4),
                        "ref", "Reference summary " + i + " " + words[random.nextInt(words.length)],
                        "sup4_t0.7", "Sampled summary " + i + " " + words[random.nextInt(words.length)]);
                ((tools.jackson.databind.node.ObjectNode) line.get("info")).put("post", post.toString());
                out.write(FeedbackLines.JSON.writeValueAsString(line));
                out.write('\n');
            }
        }
    }
}
