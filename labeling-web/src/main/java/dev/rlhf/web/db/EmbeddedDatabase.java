package dev.rlhf.web.db;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bundled PostgreSQL server on a persistent data directory (the cluster itself: {@code PG_VERSION},
 * {@code base/}, …), initialised on first use and kept as it is on later starts, so a restart keeps every row.
 *
 * <ul>
 *   <li><b>Authentication.</b> The superuser {@code postgres} has a password generated on first start and kept in
 *   {@code rlhf-db-secret} in the data directory (owner-only, 0600). {@code pg_hba.conf} is rewritten on every start to
 *   admit only SCRAM-SHA-256 over 127.0.0.1; the server listens on 127.0.0.1 only and opens no Unix socket. A data
 *   directory created before (trust for every local connection) is upgraded on its first start: the password is set
 *   in single-user mode, with no server listening, before the server starts with the new {@code pg_hba.conf}.</li>
 *   <li><b>Orphans.</b> A killed application (kill -9) leaves its postmaster running, and the next start used to fail
 *   on {@code postmaster.pid}. The application holds a lock on {@code rlhf-app.lock} in the data directory while it
 *   runs (the operating system drops it when the process dies), so a postmaster that still runs on this data
 *   directory when the lock is free is an orphan: it is identified by its pid file and its process (a {@code postgres}
 *   whose command line names this data directory), stopped (fast shutdown, which keeps every committed row) and the
 *   server started again.</li>
 *   <li><b>Supervision.</b> The postmaster is this process's child; when it dies (killed, crashed) the supervisor
 *   starts it again on the same port, retrying until it comes up. PostgreSQL's crash recovery replays the WAL, so
 *   every committed transaction is there and none is half there. Connections fail meanwhile; the pool reconnects.</li>
 *   <li><b>Durability.</b> {@code fsync} and {@code synchronous_commit} are on: a label is on disk when it is
 *   acknowledged (claims turn {@code synchronous_commit} off for their own transaction only).</li>
 * </ul>
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    public static final String SUPERUSER = "postgres";
    /** The superuser's password, in the data directory, readable by its owner only. */
    public static final String SECRET_FILE = "rlhf-db-secret";
    /** Held by the running application; free once it is gone, however it ended. */
    public static final String APP_LOCK_FILE = "rlhf-app.lock";
    static final String LOG_FILE = "postgres.log";
    static final String HBA = """
            # Written by the platform on every start of its embedded PostgreSQL: SCRAM-SHA-256 password authentication
            # from the loopback address only. The password is in rlhf-db-secret beside this file (readable by its owner).
            host all all 127.0.0.1/32 scram-sha-256
            """;
    private static final Duration STARTUP_WAIT = Duration.ofMinutes(2);
    private static final Duration RESTART_PAUSE = Duration.ofMillis(200);

    private final Path dataDirectory;
    private final Path binaries;
    private final String password;
    private final int port;
    private final FileChannel lockChannel;
    private final FileLock appLock;
    private final AtomicInteger restarts = new AtomicInteger();
    private volatile Process server;
    private volatile boolean closed;
    private final Thread supervisor;
    private final Thread shutdownHook;

    private EmbeddedDatabase(Path dataDirectory, Path binaries, String password, int port, FileChannel lockChannel,
                             FileLock appLock, Process server) {
        this.dataDirectory = dataDirectory;
        this.binaries = binaries;
        this.password = password;
        this.port = port;
        this.lockChannel = lockChannel;
        this.appLock = appLock;
        this.server = server;
        this.supervisor = new Thread(this::supervise, "embedded-postgres-supervisor");
        this.supervisor.setDaemon(true);
        this.supervisor.start();
        this.shutdownHook = new Thread(this::close, "embedded-postgres-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the server on {@code dataDirectory}: initialises, upgrades or recovers it first where needed. */
    public static EmbeddedDatabase start(Path dataDirectory) throws IOException {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path bin = binaries();
        if (!Files.exists(dir.resolve("PG_VERSION"))) {
            initialise(bin, dir);
        }
        FileChannel channel = FileChannel.open(dir.resolve(APP_LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException inThisJvm) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("The data directory " + dir + " is in use by another running instance of "
                    + "the platform (it holds " + APP_LOCK_FILE + "); stop it first or use another rlhf.data-dir.");
        }
        try {
            stopOrphan(bin, dir);
            String password = secret(bin, dir);
            Files.writeString(dir.resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
            int port = freePort();
            Process server = launch(bin, dir, port);
            awaitReady(server, dir, port, password);
            log.info("Embedded PostgreSQL (pid {}) on 127.0.0.1:{} with data directory {}", server.pid(), port, dir);
            return new EmbeddedDatabase(dir, bin, password, port, channel, lock, server);
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public String username() {
        return SUPERUSER;
    }

    public String password() {
        return password;
    }

    public String jdbcUrl() {
        return jdbcUrl(port);
    }

    /** The pid of the running postmaster. */
    public long serverPid() {
        return server.pid();
    }

    /** How often the supervisor has started the server again since this instance started. */
    public int restarts() {
        return restarts.get();
    }

    /** A plain (unpooled) data source for the {@code postgres} database, with the password. */
    public DataSource dataSource() {
        return new DriverManagerDataSource(jdbcUrl(), SUPERUSER, password);
    }

    /** Stops the server (fast shutdown: open transactions roll back, committed ones are kept) and releases the lock. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        supervisor.interrupt();
        Process p = server;
        try {
            if (p.isAlive()) {
                stopServer(binaries, dataDirectory, p.toHandle());
            }
        } finally {
            try {
                appLock.release();
                lockChannel.close();
            } catch (IOException e) {
                log.warn("could not release {}: {}", APP_LOCK_FILE, e.toString());
            }
            if (Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting: the hook runs (and finds this instance closed)
                }
            }
        }
    }

    private void supervise() {
        while (!closed) {
            Process p = server;
            int code;
            try {
                code = p.waitFor();
            } catch (InterruptedException e) {
                if (closed) return;
                continue;
            }
            if (closed) return;
            log.error("Embedded PostgreSQL (pid {}) exited with code {}; starting it again on port {}", p.pid(), code, port);
            long began = System.nanoTime();
            int attempt = 0;
            while (!closed) {
                attempt++;
                try {
                    Process next = launch(binaries, dataDirectory, port);
                    awaitReady(next, dataDirectory, port, password);
                    synchronized (this) {
                        if (closed) {
                            stopServer(binaries, dataDirectory, next.toHandle());
                            return;
                        }
                        server = next;
                    }
                    restarts.incrementAndGet();
                    log.warn("Embedded PostgreSQL started again (pid {}) after {} ms, attempt {}", next.pid(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), attempt);
                    break;
                } catch (IOException | RuntimeException e) {
                    // typically the dead postmaster's backends still hold its shared memory for a moment
                    if (attempt == 1 || attempt % 25 == 0) {
                        log.warn("Embedded PostgreSQL did not start again (attempt {}): {}", attempt, e.getMessage());
                    }
                    try {
                        Thread.sleep(RESTART_PAUSE.toMillis());
                    } catch (InterruptedException ie) {
                        if (closed) return;
                    }
                }
            }
        }
    }

    // ---- the steps of a start

    /** The server binaries for this platform, unpacked by the embedded-postgres library into its working directory. */
    private static Path binaries() {
        try {
            Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class, File.class);
            prepare.setAccessible(true);
            return ((File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null)).toPath();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not unpack the embedded PostgreSQL binaries: " + e, e);
        }
    }

    /**
     * The command line of one of the server's programs. PostgreSQL refuses to run as root; where the application runs
     * as root on Linux, the program runs in a user namespace of its own ({@code unshare -U}), as the embedded-postgres
     * library does, where it is an unprivileged user.
     */
    private static List<String> bin(Path binaries, String name, String... arguments) {
        String exe = System.getProperty("os.name").toLowerCase().startsWith("windows") ? ".exe" : "";
        List<String> command = new ArrayList<>();
        if (io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(binaries.resolve("bin").resolve(name + exe).toString());
        command.addAll(List.of(arguments));
        return command;
    }

    /** initdb with password authentication from the start: the cluster never trusts anyone. */
    private static void initialise(Path bin, Path dir) throws IOException {
        String password = newSecret();
        Path pwfile = Files.createTempFile("rlhf-initdb-", ".pw"); // owner-only, as every temporary file
        Path output = Files.createTempFile("rlhf-initdb-", ".log");
        try {
            ownerOnly(pwfile);
            Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
            run(bin(bin, "initdb", "-A", "scram-sha-256", "-U", SUPERUSER, "--pwfile=" + pwfile,
                    "-D", dir.toString(), "-E", "UTF-8"), null, output);
            Files.deleteIfExists(output);
        } finally {
            Files.deleteIfExists(pwfile);
        }
        writeSecret(dir, password);
        log.info("Initialised the embedded PostgreSQL data directory {}", dir);
    }

    /** The superuser's password; a data directory without one (made when the cluster trusted everyone) gets one now. */
    private static String secret(Path bin, Path dir) throws IOException {
        Path file = dir.resolve(SECRET_FILE);
        if (Files.exists(file)) {
            ownerOnly(file);
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!secret.isEmpty()) return secret;
        }
        String password = newSecret();
        // single-user mode: no server listens while the password is set
        run(bin(bin, "postgres", "--single", "-D", dir.toString(), "-c", "password_encryption=scram-sha-256",
                        "-c", "listen_addresses=", SUPERUSER),
                "ALTER ROLE " + SUPERUSER + " WITH PASSWORD '" + password + "';\n", dir.resolve(LOG_FILE));
        writeSecret(dir, password);
        log.warn("Upgraded the embedded PostgreSQL data directory {}: the superuser has a password now ({}), and "
                + "pg_hba.conf admits only password authentication from 127.0.0.1", dir, file);
        return password;
    }

    /**
     * Stops a postmaster left running on this data directory by a process that died (the caller holds the
     * application lock, so no live instance owns it). A pid file whose process is gone, or is not a postgres on this
     * data directory (the pid was reused), is stale: removed, since PostgreSQL refuses to start while its pid is alive.
     */
    static void stopOrphan(Path bin, Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) return;
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (RuntimeException unreadable) {
            log.warn("removing the unreadable {} ({})", pidFile, lines);
            Files.deleteIfExists(pidFile);
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            log.info("{} names pid {}, which is gone: the server was not shut down cleanly and will recover", pidFile, pid);
            return;
        }
        boolean sameDirectory = lines.size() > 1 && sameFile(Path.of(lines.get(1).strip()), dir);
        if (!sameDirectory || !isPostgresOn(process.get(), dir)) {
            log.warn("{} names pid {}, which is not a PostgreSQL server on this data directory ({}): removing the stale file",
                    pidFile, pid, process.get().info().commandLine().orElse("command unknown"));
            Files.deleteIfExists(pidFile);
            return;
        }
        log.warn("A PostgreSQL server (pid {}) still runs on {}, left by an instance that did not shut down "
                + "(killed?): stopping it", pid, dir);
        stopServer(bin, dir, process.get());
    }

    /** Whether {@code process} is a postgres server whose command line names {@code dir} (where the OS tells). */
    static boolean isPostgresOn(ProcessHandle process, Path dir) {
        ProcessHandle.Info info = process.info();
        Optional<String> command = info.command();
        if (command.isEmpty()) return false;
        String name = Path.of(command.get()).getFileName().toString();
        if (!name.equals("postgres") && !name.equals("postgres.exe")) return false;
        Optional<String[]> arguments = info.arguments();
        if (arguments.isEmpty()) return true; // the OS shows the executable only: the pid file named this directory
        for (String argument : arguments.get()) {
            if (sameFile(Path.of(argument), dir)) return true;
        }
        return false;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.isSameFile(a, b);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Fast shutdown (pg_ctl stop -m fast: committed rows are kept); SIGKILL only if that does not end it. */
    private static void stopServer(Path bin, Path dir, ProcessHandle process) {
        try {
            run(bin(bin, "pg_ctl", "stop", "-D", dir.toString(), "-m", "fast", "-w", "-t", "60"), null,
                    dir.resolve(LOG_FILE));
        } catch (IOException | RuntimeException e) {
            log.warn("pg_ctl stop on {} failed: {}", dir, e.getMessage());
        }
        try {
            process.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception notYet) {
            log.warn("PostgreSQL (pid {}) did not stop; killing it", process.pid());
            process.destroyForcibly();
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("PostgreSQL (pid " + process.pid() + ") on " + dir + " could not be stopped", e);
            }
        }
    }

    private static Process launch(Path bin, Path dir, int port) throws IOException {
        List<String> command = bin(bin, "postgres", "-D", dir.toString(), "-p", Integer.toString(port));
        for (String setting : List.of("listen_addresses=127.0.0.1", "unix_socket_directories=",
                "password_encryption=scram-sha-256", "max_connections=200", "timezone=UTC",
                // labels must be durable when acknowledged
                "fsync=on", "synchronous_commit=on")) {
            command.add("-c");
            command.add(setting);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG_FILE).toFile()));
        builder.environment().remove("PGPASSWORD");
        return builder.start();
    }

    private static void awaitReady(Process server, Path dir, int port, String password) throws IOException {
        long end = System.nanoTime() + STARTUP_WAIT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < end) {
            if (!server.isAlive()) {
                throw new IOException("PostgreSQL exited with code " + server.exitValue() + " while starting on "
                        + dir + "; the end of " + dir.resolve(LOG_FILE) + ":\n" + tail(dir.resolve(LOG_FILE)));
            }
            Properties props = new Properties();
            props.setProperty("user", SUPERUSER);
            props.setProperty("password", password);
            props.setProperty("connectTimeout", "2");
            try (Connection c = DriverManager.getConnection(jdbcUrl(port), props)) {
                if (c.isValid(2)) return;
            } catch (SQLException e) {
                if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
                    server.destroy();
                    throw new IOException("PostgreSQL on " + dir + " refused the password in " + SECRET_FILE + ": "
                            + e.getMessage(), e);
                }
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.destroy();
                throw new IOException("interrupted while PostgreSQL was starting", e);
            }
        }
        server.destroy();
        throw new IOException("PostgreSQL on " + dir + " did not accept connections within " + STARTUP_WAIT.toSeconds()
                + " s (last error: " + (last == null ? "none" : last.getMessage()) + ")");
    }

    private static String jdbcUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    private static void run(List<String> command, String input, Path logFile) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Process p = builder.start();
        if (input != null) {
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            p.getOutputStream().close();
        }
        try {
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish within 3 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command.subList(0, Math.min(3, command.size()))) + " failed with code " + p.exitValue()
                    + "; the end of " + logFile + ":\n" + tail(logFile));
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Written to a temporary owner-only file and moved into place, so the secret is never readable by others. */
    private static void writeSecret(Path dir, String secret) throws IOException {
        Path tmp = dir.resolve(SECRET_FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        ownerOnly(tmp);
        Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, dir.resolve(SECRET_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(SECRET_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-------");
            if (!Files.getPosixFilePermissions(file).equals(perms)) {
                Files.setPosixFilePermissions(file, perms);
            }
        }
    }
}
