package dev.rlhf.web.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used by this JVM (server and simulated clients, and each of them apart) and by the embedded PostgreSQL
 * server (postmaster and its backends, read from /proc on Linux), so a run on a shared machine can still say what
 * one label costs.
 */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    private final Path dataDir;

    CpuMeter(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Name prefix of the simulated labelers' threads (the benchmark's client side, in the same JVM). */
    static final String DRIVER_THREAD = "simulated-labeler-";

    /**
     * CPU so far: the whole JVM, its Tomcat request threads (the server side of the HTTP work), the simulated
     * labelers' threads (the client side), PostgreSQL.
     */
    record Reading(long jvmNanos, long tomcatNanos, long driverNanos, long postgresNanos) {
    }

    Reading read() {
        long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long tomcat = 0;
        long driver = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("http-nio")) {
                tomcat += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            } else if (info != null && info.getThreadName().startsWith(DRIVER_THREAD)) {
                driver += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return new Reading(jvm, tomcat, driver, postgresNanos());
    }

    private long postgresNanos() {
        try {
            String postmaster = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim();
            long ticks = 0;
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (Path process : (Iterable<Path>) processes::iterator) {
                    String name = process.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String stat = Files.readString(process.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        // fields[1] = ppid, fields[11] = utime, fields[12] = stime (stat fields 4, 14, 15)
                        if (name.equals(postmaster) || fields[1].equals(postmaster)) {
                            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the process ended while we looked
                    }
                }
            }
            return (long) (ticks / TICKS_PER_SECOND * 1e9);
        } catch (IOException | RuntimeException unavailable) {
            return -1;
        }
    }
}
