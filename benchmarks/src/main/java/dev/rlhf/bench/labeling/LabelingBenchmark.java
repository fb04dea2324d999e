package dev.rlhf.bench.labeling;

import dev.rlhf.web.RlhfApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

import dev.rlhf.lm.commandline.FlagTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Load test of the labeling hot path over real HTTP on loopback. Starts the application on a random port
 * with a fresh temporary embedded database, seeds {@code --labelers} labelers and one pairwise batch, lets
 * every labeler sign in once, then, for {@code --warmup} + {@code --seconds} seconds, claims once and loops
 * submit-and-next (one request per label whose answer carries the next assignment), or with
 * {@code --combined=false} loops claim → submit (two requests per label). Each labeler is one thread with its own
 * keep-alive connection ({@link LeanHttpConnection}), sending the session cookie and the CSRF header.
 * Prints submissions per second, p50/p99 latency of submit and of claim + submit (measured window only), and
 * the labels in the database against those acknowledged.
 * <pre>
 * java -cp labeling-web/target/labeling-web.jar -Dloader.main=dev.rlhf.web.bench.LabelingBenchmark \
 *      org.springframework.boot.loader.launch.PropertiesLauncher --labelers=64 --seconds=20
 * </pre>
 * With {@code --rate=R} the labelers together offer R submissions/s (each a Poisson stream; ramped up over the
 * first half of the warm-up) instead of submitting again the moment they are answered, and latency counts from when
 * each label was due.
 * Options ({@code bin/rlhf bench-labeling --help}): {@code --labelers 64 --seconds 20 --warmup 60 --k 3
 * --comparisons (enough) --pool 10 --combined true --rate 0}; any option with a dot in its name is passed to the
 * application as a property.
 */
public final class LabelingBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int labelers = Integer.parseInt(options.getOrDefault("labelers", "64"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        // the JIT compiler is still at work for most of the first minute on 2 cores (measured: 0.2 ms of CPU per label
        // after 10-25 s); a shorter warm-up measures a half-compiled server
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "60"));
        int k = Integer.parseInt(options.getOrDefault("k", "3"));
        int comparisons = Integer.parseInt(options.getOrDefault("comparisons", "" + Math.max(1000, 3000 * (seconds + warmup) / k)));
        String pool = options.getOrDefault("pool", "10");
        boolean combined = Boolean.parseBoolean(options.getOrDefault("combined", "true"));
        double rate = Double.parseDouble(options.getOrDefault("rate", "0"));
        if (rate < 0 || (rate > 0 && !combined)) {
            throw new IllegalArgumentException("--rate is the submissions/s all labelers offer together (> 0), with --combined=true");
        }

        Path dataDir = Files.createTempDirectory("rlhf-bench-db");
        List<String> appArgs = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--rlhf.data-dir=" + dataDir, "--rlhf.demo.enabled=false", "--spring.datasource.hikari.maximum-pool-size=" + pool,
                "--spring.datasource.hikari.minimum-idle=" + pool, "--logging.level.root=WARN",
                "--spring.main.banner-mode=off"));
        options.forEach((name, value) -> {
            if (name.contains(".")) {
                appArgs.add("--" + name + "=" + value); // application properties, e.g. --server.tomcat.threads.max=16
            }
        });
        System.out.printf("Starting the application (embedded PostgreSQL in %s, pool %s)...%n", dataDir, pool);
        ConfigurableApplicationContext app = SpringApplication.run(RlhfApplication.class, appArgs.toArray(String[]::new));
        try {
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            BenchmarkSeeder seeder = new BenchmarkSeeder(jdbc);
            List<String> names = seeder.labelers(labelers, app.getBean(PasswordEncoder.class));
            long batchId = seeder.batch(comparisons, k, true);
            System.out.printf("Seeded %d labelers and %d comparisons (K=%d); driving http://127.0.0.1:%d for %d s + %d s warm-up (%s)%n",
                    labelers, comparisons, k, port, seconds, warmup,
                    (combined ? "claim once, then submit-and-next" : "claim, then submit")
                            + (rate > 0 ? ", " + rate + " submissions/s offered" : ", each as fast as answered"));
            run(names, port, combined, rate, warmup, seconds, jdbc, batchId, new CpuMeter(dataDir));
        } finally {
            app.close();
            deleteQuietly(dataDir);
        }
    }

    private static void run(List<String> names, int port, boolean combined, double rate, int warmup, int seconds,
                            JdbcClient jdbc, long batchId, CpuMeter cpu) throws Exception {
        // paced: each labeler's labels fall due at exponential gaps (a Poisson stream) averaging labelers / rate
        double meanGapNanos = rate > 0 ? names.size() * 1e9 / rate : 0;
        ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        List<long[]> submitLatencies = new ArrayList<>();
        List<long[]> cycleLatencies = new ArrayList<>();
        List<long[]> sentAt = new ArrayList<>();
        AtomicLong measuredSubmissions = new AtomicLong();
        AtomicLong dueInWindow = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        CountDownLatch signedIn = new CountDownLatch(names.size());
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        AtomicLong threadNumber = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(names.size(),
                task -> new Thread(task, CpuMeter.DRIVER_THREAD + threadNumber.incrementAndGet()));
        List<Future<long[][]>> results = new ArrayList<>();
        for (String name : names) {
            results.add(threads.submit(() -> {
                try (SimulatedLabeler labeler = new SimulatedLabeler("127.0.0.1", port)) {
                    try {
                        labeler.signIn(name, BenchmarkSeeder.PASSWORD);
                    } finally {
                        signedIn.countDown();
                    }
                    go.await();
                    return combined ? submitAndNextLoop(name, labeler, meanGapNanos, window, acknowledged, errors, dueInWindow)
                            : claimThenSubmitLoop(name, labeler, window, acknowledged, errors);
                }
            }));
        }
        signedIn.await();
        long start = System.nanoTime();
        window[0] = start + Duration.ofSeconds(warmup).toNanos();
        window[1] = window[0] + Duration.ofSeconds(seconds).toNanos();
        go.countDown();
        Thread.sleep(Math.max(0, (window[0] - System.nanoTime()) / 1_000_000));
        CpuMeter.Reading cpuStart = cpu.read();
        ServerActivity serverStart = ServerActivity.read(jdbc);
        Thread.sleep(Math.max(0, (window[1] - System.nanoTime()) / 1_000_000));
        CpuMeter.Reading cpuEnd = cpu.read();
        ServerActivity serverEnd = ServerActivity.read(jdbc);
        for (Future<long[][]> result : results) {
            long[][] lat = result.get();
            submitLatencies.add(lat[0]);
            cycleLatencies.add(lat[1]);
            sentAt.add(lat[2]);
            measuredSubmissions.addAndGet(lat[0].length);
        }
        threads.shutdown();

        String bySecond = bySecond(cycleLatencies, sentAt, seconds);
        long[] submit = merge(submitLatencies);
        long[] cycle = merge(cycleLatencies);
        Long[] ackIds = acknowledged.toArray(Long[]::new);
        long found = jdbc.sql("SELECT count(*) FROM labels WHERE id = ANY(?)").param(ackIds).query(Long.class).single();
        long inBatch = jdbc.sql("SELECT count(*) FROM labels l JOIN comparisons c ON c.id = l.comparison_id WHERE c.batch_id = ?")
                .param(batchId).query(Long.class).single();
        long overAssigned = jdbc.sql("""
                        SELECT count(*) FROM (SELECT l.comparison_id FROM labels l JOIN comparisons c ON c.id = l.comparison_id
                        JOIN batches b ON b.id = c.batch_id WHERE c.batch_id = ?
                        GROUP BY l.comparison_id, b.overlap_k HAVING count(*) > b.overlap_k) x""")
                .param(batchId).query(Long.class).single();

        System.out.println();
        System.out.printf("labelers                 %d (%d CPU cores visible)%n", names.size(), Runtime.getRuntime().availableProcessors());
        System.out.printf("measured window          %d s (after %d s warm-up)%n", seconds, warmup);
        System.out.printf("submissions/s            %.0f%s%n", measuredSubmissions.get() / (double) seconds, rate > 0
                ? String.format(" (%d labels fell due in the window, %.0f/s: the offered load's draw; %d answered in it)",
                        dueInWindow.get(), dueInWindow.get() / (double) seconds, measuredSubmissions.get())
                : "");
        System.out.printf("flow                     %s%n", combined
                ? "submit-and-next (one request per label; both latencies are that request)" : "claim then submit (two requests per label)");
        System.out.printf("pace                     %s%n", rate > 0
                ? String.format("%.0f submissions/s offered (each labeler a Poisson stream, mean gap %.1f ms, ramped up during the warm-up); latency from when each label was due",
                        rate, meanGapNanos / 1e6)
                : "closed loop (each labeler submits again the moment it is answered)");
        System.out.printf("submit latency           p50 %.1f ms   p99 %.1f ms%n", ms(percentile(submit, 50)), ms(percentile(submit, 99)));
        System.out.printf("claim+submit latency     p50 %.1f ms   p99 %.1f ms%n", ms(percentile(cycle, 50)), ms(percentile(cycle, 99)));
        System.out.printf("latency by second        %s%n", bySecond);
        long measured = Math.max(1, measuredSubmissions.get());
        double jvmMs = perLabel(cpuStart.jvmNanos(), cpuEnd.jvmNanos(), measured);
        double pgMs = perLabel(cpuStart.postgresNanos(), cpuEnd.postgresNanos(), measured);
        double tomcatMs = perLabel(cpuStart.tomcatNanos(), cpuEnd.tomcatNanos(), measured);
        double driverMs = perLabel(cpuStart.driverNanos(), cpuEnd.driverNanos(), measured);
        double gcMs = perLabel(cpuStart.gcNanos(), cpuEnd.gcNanos(), measured);
        double jitMs = perLabel(cpuStart.jitNanos(), cpuEnd.jitNanos(), measured);
        System.out.printf("CPU per submission       %.2f ms in the JVM + %.2f ms in PostgreSQL = %.2f ms%n", jvmMs, pgMs, jvmMs + pgMs);
        System.out.printf("  JVM by threads         Tomcat %.2f, simulated labelers %.2f, GC %.2f, JIT %.2f, other %.2f ms%n",
                tomcatMs, driverMs, gcMs, jitMs, jvmMs - tomcatMs - driverMs - gcMs - jitMs);
        System.out.printf("  without the labelers   %.2f ms (the application and PostgreSQL)%n", jvmMs - driverMs + pgMs);
        System.out.printf("                         (= at most %.0f submissions/s if %d cores did nothing else)%n",
                Runtime.getRuntime().availableProcessors() * 1000.0 / (jvmMs + pgMs), Runtime.getRuntime().availableProcessors());
        System.out.printf("PostgreSQL in the window %.1f kB of WAL and %.2f full-page images per label, %d checkpoint(s), "
                        + "%d autovacuum/autoanalyze run(s)%n",
                (serverEnd.walBytes() - serverStart.walBytes()) / 1024.0 / measured,
                (serverEnd.walFpi() - serverStart.walFpi()) / (double) measured,
                serverEnd.checkpoints() - serverStart.checkpoints(), serverEnd.autovacuums() - serverStart.autovacuums());
        System.out.printf("durability               synchronous_commit = %s, fsync = %s (server settings, labels)%n",
                jdbc.sql("SHOW synchronous_commit").query(String.class).single(),
                jdbc.sql("SHOW fsync").query(String.class).single());
        System.out.printf("acknowledged labels      %d (distinct ids %d), errors %d%n", ackIds.length,
                Stream.of(ackIds).distinct().count(), errors.get());
        System.out.printf("labels in database       %d of the acknowledged found, %d in the batch; lost %d; comparisons over K %d%n",
                found, inBatch, ackIds.length - found, overAssigned);
    }

    /** Claim → submit: two requests per label. Latencies: the submit, and claim + submit. */
    private static long[][] claimThenSubmitLoop(String name, SimulatedLabeler labeler, long[] window,
                                                 ConcurrentLinkedQueue<Long> acknowledged, AtomicLong errors) {
        long[] submits = new long[1 << 16];
        long[] cycles = new long[1 << 16];
        long[] sent = new long[1 << 16];
        int n = 0;
        while (System.nanoTime() < window[1]) {
            long t0 = System.nanoTime();
            long labelId;
            long t1;
            try {
                SimulatedLabeler.Claim claim = labeler.claim();
                if (claim == null) {
                    break;
                }
                t1 = System.nanoTime();
                labelId = labeler.submit(claim);
            } catch (IOException | RuntimeException e) {
                errors.incrementAndGet();
                System.err.println(name + ": " + e.getMessage());
                continue;
            }
            long t2 = System.nanoTime();
            acknowledged.add(labelId);
            if (t0 >= window[0] && t2 <= window[1] && n < submits.length) {
                submits[n] = t2 - t1;
                cycles[n] = t2 - t0;
                sent[n] = t0 - window[0];
                n++;
            }
        }
        return new long[][]{Arrays.copyOf(submits, n), Arrays.copyOf(cycles, n), Arrays.copyOf(sent, n)};
    }

    /**
     * One claim, then submit-and-next: one request per label, whose answer carries the next assignment. The
     * submit latency and the claim + submit latency are then the same request. With a mean gap (paced), each
     * label falls due at the previous one's due time plus an exponential gap and is sent then, or at once when
     * the labeler is behind; its latency runs from when it was due, so time spent waiting behind a slow answer
     * counts (no coordinated omission). Without one (closed loop), the next label is sent as soon as the last
     * is answered.
     */
    private static long[][] submitAndNextLoop(String name, SimulatedLabeler labeler, double meanGapNanos, long[] window,
                                              ConcurrentLinkedQueue<Long> acknowledged, AtomicLong errors,
                                              AtomicLong dueInWindow) {
        long[] submits = new long[1 << 16];
        long[] sent = new long[1 << 16];
        int n = 0;
        SimulatedLabeler.Claim claim = null;
        SplittableRandom random = new SplittableRandom(name.hashCode());
        long rampStart = System.nanoTime();
        long rampEnd = rampStart + (window[0] - rampStart) / 2;
        long due = rampStart + gap(random, meanGapNanos * 10);
        while (System.nanoTime() < window[1]) {
            long t0 = System.nanoTime();
            if (meanGapNanos > 0 && claim != null) {
                LockSupport.parkNanos(due - t0);
                t0 = due;
                if (t0 >= window[0] && t0 < window[1]) {
                    dueInWindow.incrementAndGet();
                }
                // the offered rate ramps up from a tenth over the first half of the warm-up, so that a cold server
                // does not start the measured window with a backlog it built while the JIT compiler was at work
                double share = Math.max(0.1, Math.min(1.0, (due - rampStart) / (double) Math.max(1, rampEnd - rampStart)));
                due += gap(random, meanGapNanos / share);
            }
            SimulatedLabeler.Submitted submitted;
            try {
                if (claim == null) {
                    claim = labeler.claim();
                    if (claim == null) {
                        break;
                    }
                    continue;
                }
                submitted = labeler.submitAndNext(claim);
            } catch (IOException | RuntimeException e) {
                errors.incrementAndGet();
                System.err.println(name + ": " + e.getMessage());
                claim = null; // ask again: the server answers the current assignment
                continue;
            }
            long t1 = System.nanoTime();
            acknowledged.add(submitted.labelId());
            claim = submitted.next();
            if (t0 >= window[0] && t1 <= window[1] && n < submits.length) {
                submits[n] = t1 - t0;
                sent[n] = t0 - window[0];
                n++;
            }
            if (claim == null) {
                break;
            }
        }
        long[] measured = Arrays.copyOf(submits, n);
        return new long[][]{measured, measured, Arrays.copyOf(sent, n)};
    }

    /**
     * PostgreSQL's own counters of the work besides the statements that can land in a measured window: WAL
     * written (and of it full-page images, which follow every checkpoint), checkpoints, autovacuum and autoanalyze
     * runs. They explain most of the difference between two runs of the same code.
     */
    private record ServerActivity(long walBytes, long walFpi, long checkpoints, long autovacuums) {
        static ServerActivity read(JdbcClient jdbc) {
            return jdbc.sql("""
                            SELECT w.wal_bytes::bigint, w.wal_fpi,
                                   (SELECT num_timed + num_requested FROM pg_stat_checkpointer),
                                   (SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_user_tables)
                            FROM pg_stat_wal w""")
                    .query((rs, n) -> new ServerActivity(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                    .single();
        }
    }

    /** An exponentially distributed gap with the given mean (0 for a closed loop). */
    private static long gap(SplittableRandom random, double meanNanos) {
        return (long) (-meanNanos * Math.log(1 - random.nextDouble()));
    }

    /**
     * How the slow labels spread over the window: in how many of its seconds a label (by when it was sent or due)
     * took over 50 ms, and the worst second's p99 and maximum. A p99 made by one stall of the machine looks
     * different here from one made by a load the server cannot keep up with.
     */
    private static String bySecond(List<long[]> latencies, List<long[]> sentAt, int seconds) {
        List<List<Long>> perSecond = new ArrayList<>();
        for (int i = 0; i < seconds; i++) {
            perSecond.add(new ArrayList<>());
        }
        for (int part = 0; part < latencies.size(); part++) {
            long[] latency = latencies.get(part);
            long[] sent = sentAt.get(part);
            for (int i = 0; i < latency.length; i++) {
                perSecond.get((int) Math.min(seconds - 1, sent[i] / 1_000_000_000L)).add(latency[i]);
            }
        }
        int slowSeconds = 0;
        int worst = 0;
        long[] worstSorted = new long[0];
        for (int second = 0; second < seconds; second++) {
            long[] sorted = perSecond.get(second).stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length > 0 && sorted[sorted.length - 1] > 50_000_000L) {
                slowSeconds++;
            }
            if (percentile(sorted, 99) > percentile(worstSorted, 99)) {
                worst = second;
                worstSorted = sorted;
            }
        }
        return String.format("a label over 50 ms in %d of %d s; slowest second +%d s: p99 %.1f ms, max %.1f ms",
                slowSeconds, seconds, worst, ms(percentile(worstSorted, 99)), ms(percentile(worstSorted, 100)));
    }

    private static long[] merge(List<long[]> parts) {
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** CPU milliseconds per label between two readings; NaN where a reading is missing (-1). */
    private static double perLabel(long start, long end, long labels) {
        return start < 0 || end < 0 ? Double.NaN : (end - start) / 1e6 / labels;
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    /** The options (an option with a dot in its name is an application property and is not parsed here). */
    public static FlagTable options() {
        return new FlagTable("bench-labeling", "Load test of the labeling hot path over real HTTP on loopback."
                + " Options with a dot in their name (--server.tomcat.threads.max=16) are passed to the application.")
                .add("labelers", "64", "Labelers, each one thread with its own keep-alive connection.")
                .add("seconds", "20", "Measured seconds.")
                .add("warmup", "60", "Warm-up seconds first (the JIT compiler is at work for most of the first minute).")
                .add("k", "3", "Summaries per comparison.")
                .add("comparisons", null, "Comparisons seeded. Default: enough for the run, at least 1000.")
                .add("pool", "10", "Hikari pool size.")
                .add("combined", "true", "true: claim once, then submit-and-next; false: claim, then submit.")
                .add("rate", "0.0", "Submissions/s all labelers offer together (Poisson); 0: each as fast as answered.");
    }

    /** The benchmark's own options parsed (help and a refused line exit), the application's properties kept aside. */
    static Map<String, String> options(String[] args) throws Exception {
        List<String> own = new ArrayList<>();
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0 && arg.substring(0, eq).contains(".")) {
                properties.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else {
                own.add(arg);
            }
        }
        Map<String, String> options = new java.util.LinkedHashMap<>(options().parseOrExit(own.toArray(String[]::new)));
        options.putAll(properties);
        return options;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
