package dev.rlhf.web.support;

import dev.rlhf.web.db.EmbeddedDatabase;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The application in a child JVM (the test's own class path), on its own data directory and port, so a test can
 * kill it for real ({@code kill -9}: no shutdown hook, no clean stop) and start it again on the same data; what the
 * child prints goes to {@code log}.
 */
public record ForkedPlatform(Path dataDir, int port, Process process, Path log) implements AutoCloseable {
    public static final String LABELER_PASSWORD = "forked-labeler-password";
    public static final String RESEARCHER_PASSWORD = "forked-researcher-password";
    public static final String ADMIN_PASSWORD = "forked-admin-password";

    /** Starts the application on {@code dataDir} with {@code properties} (as {@code --key=value}) and waits for it. */
    public static ForkedPlatform start(Path dataDir, Map<String, String> properties) throws IOException, InterruptedException {
        int port = freePort();
        Map<String, String> all = new java.util.LinkedHashMap<>();
        all.put("server.port", Integer.toString(port));
        all.put("rlhf.data-dir", dataDir.toAbsolutePath().toString());
        all.put("rlhf.demo.pairwise-comparisons", "10");
        all.put("rlhf.demo.best-of-4-comparisons", "2");
        all.putAll(properties);
        ForkedPlatform app = launch(dataDir, port, all, Map.of());
        app.awaitUp(Duration.ofMinutes(3));
        return app;
    }

    /**
     * Starts the jar as a standalone worker (no web server) on an external database, {@code workDir} holding its
     * output; returns at once (a worker answers nothing: the test watches the run queue).
     */
    public static ForkedPlatform startWorker(Path workDir, String jdbcUrl, String username, String password,
                                             Map<String, String> properties) throws IOException {
        Map<String, String> all = new java.util.LinkedHashMap<>();
        all.put("spring.main.web-application-type", "none");
        all.put("spring.main.keep-alive", "true");
        all.put("spring.datasource.url", jdbcUrl);
        all.put("rlhf.demo.enabled", "false");
        all.put("rlhf.worker.enabled", "true");
        all.put("logging.level.dev.rlhf.web.runs", "INFO");
        all.putAll(properties);
        return launch(workDir, -1, all, Map.of("SPRING_DATASOURCE_USERNAME", username, "SPRING_DATASOURCE_PASSWORD", password));
    }

    private static ForkedPlatform launch(Path dataDir, int port, Map<String, String> properties, Map<String, String> env)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"),
                "dev.rlhf.web.RlhfApplication"));
        // each property once (a repeated command-line property would be read as a list)
        Map<String, String> all = new java.util.LinkedHashMap<>();
        all.put("logging.level.root", "WARN");
        all.put("logging.level.dev.rlhf.web.db", "INFO");
        all.put("logging.level.dev.rlhf.web.api", "INFO");
        all.putAll(properties);
        all.forEach((k, v) -> command.add("--" + k + "=" + v));
        Files.createDirectories(dataDir.toAbsolutePath().getParent());
        Path log = dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + "-app-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("RLHF_DEMO_LABELER_PASSWORD", LABELER_PASSWORD);
        builder.environment().put("RLHF_DEMO_RESEARCHER_PASSWORD", RESEARCHER_PASSWORD);
        builder.environment().put("RLHF_DEMO_ADMIN_PASSWORD", ADMIN_PASSWORD);
        builder.environment().remove("SPRING_DATASOURCE_URL");
        builder.environment().putAll(env);
        return new ForkedPlatform(dataDir.toAbsolutePath(), port, builder.start(), log);
    }

    public static ForkedPlatform start(Path dataDir) throws IOException, InterruptedException {
        return start(dataDir, Map.of());
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What the child printed, for assertion messages. */
    public String output() {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            return all.length() > 20_000 ? all.substring(all.length() - 20_000) : all;
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Whether the child printed {@code text} anywhere in its output. */
    public boolean printed(String text) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** kill -9: the JVM ends on the spot, its shutdown hooks do not run, its postmaster is left behind. */
    public void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on POSIX
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("the child JVM did not die");
    }

    /** The pid in the data directory's postmaster.pid (the server of this data directory), or -1 without one. */
    public static long postmasterPid(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) return -1;
        return Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip());
    }

    /** A connection pool-free data source on the data directory's running server, with its generated password. */
    public static DriverManagerDataSource database(Path dataDir) throws IOException {
        List<String> pid = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
        return new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:" + pid.get(3).strip() + "/postgres",
                EmbeddedDatabase.SUPERUSER,
                Files.readString(dataDir.resolve(EmbeddedDatabase.SECRET_FILE), StandardCharsets.UTF_8).strip());
    }

    private void awaitUp(Duration timeout) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new AssertionError("the application exited with code " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri("/login")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 && demoUsersCommitted()) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new AssertionError("the application did not answer within " + timeout + ":\n" + output());
    }

    /** The demo data is seeded after the server answers, in one transaction: its users are there once it committed. */
    private boolean demoUsersCommitted() {
        try {
            return org.springframework.jdbc.core.simple.JdbcClient.create(database(dataDir))
                    .sql("SELECT count(*) FROM users WHERE username = 'admin'").query(Long.class).single() > 0;
        } catch (IOException | RuntimeException notYet) {
            return false;
        }
    }

    /** A clean stop (SIGTERM: Spring closes the context and the embedded server). */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
