package dev.rlhf.web.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The JVM's heap figures after a command: the peak of each heap pool summed (an upper bound of what was ever
 * live, garbage included), the live heap after a full collection, and the maximum heap ({@code -Xmx}).
 */
final class HeapReport {
    private HeapReport() {
    }

    static String describe() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.gc();
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long max = Runtime.getRuntime().maxMemory();
        return String.format("heap: peak %d MiB (sum of pool peaks), %d MiB live after GC, max %d MiB",
                mib(peak), mib(live), mib(max));
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }
}
