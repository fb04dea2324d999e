package dev.rlhf.bench.labeling;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used by this JVM (server and simulated clients, broken down by thread kind) and by the embedded
 * PostgreSQL server (postmaster and its backends), read from /proc on Linux, so a run on a shared machine can
 * still say what one label costs and where.
 */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    /** Name prefix of the simulated labelers' threads (the benchmark's client side, in the same JVM). */
    static final String DRIVER_THREAD = "simulated-labeler-";

    private final Path dataDir;

    CpuMeter(Path dataDir) {
        this.dataDir = dataDir;
    }

    /**
     * CPU so far, in nanoseconds: the whole JVM; of it the Tomcat threads (HTTP and the request handling, JDBC
     * included), the simulated labelers' threads (the client side), the garbage collector's and the JIT
     * compiler's threads; and PostgreSQL. -1 where /proc cannot be read.
     */
    record Reading(long jvmNanos, long tomcatNanos, long driverNanos, long gcNanos, long jitNanos, long postgresNanos) {
    }

    Reading read() {
        long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        long tomcat = 0;
        long driver = 0;
        long gc = 0;
        long jit = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                Stat stat = Stat.of(task);
                if (stat == null) {
                    continue;
                }
                // thread names as the kernel keeps them (first 15 characters)
                if (stat.name.startsWith("http-nio")) {
                    tomcat += stat.nanos;
                } else if (stat.name.startsWith(DRIVER_THREAD.substring(0, 15))) {
                    driver += stat.nanos;
                } else if (stat.name.startsWith("GC Thread") || stat.name.startsWith("G1 ")) {
                    gc += stat.nanos;
                } else if (stat.name.startsWith("C1 Compiler") || stat.name.startsWith("C2 Compiler")) {
                    jit += stat.nanos;
                }
            }
        } catch (IOException unavailable) {
            tomcat = driver = gc = jit = -1;
        }
        return new Reading(jvm, tomcat, driver, gc, jit, postgresNanos());
    }

    private long postgresNanos() {
        try {
            String postmaster = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim();
            long nanos = 0;
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (Path process : (Iterable<Path>) processes::iterator) {
                    if (!process.getFileName().toString().chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    Stat stat = Stat.of(process);
                    if (stat != null && (stat.pid.equals(postmaster) || stat.parent.equals(postmaster))) {
                        nanos += stat.nanos;
                    }
                }
            }
            return nanos;
        } catch (IOException | RuntimeException unavailable) {
            return -1;
        }
    }

    /** One process's or thread's /proc stat line: its id, name, parent and user + system CPU time. */
    private record Stat(String pid, String name, String parent, long nanos) {
        static Stat of(Path dir) {
            try {
                String stat = Files.readString(dir.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // fields[1] = ppid, fields[11] = utime, fields[12] = stime (stat fields 4, 14, 15)
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                return new Stat(dir.getFileName().toString(), name, fields[1], (long) (ticks / TICKS_PER_SECOND * 1e9));
            } catch (IOException | RuntimeException gone) {
                return null; // it ended while we looked
            }
        }
    }
}
