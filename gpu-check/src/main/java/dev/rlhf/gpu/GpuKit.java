package dev.rlhf.gpu;

import dev.rlhf.lm.commandline.FlagTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Builds the GPU kit: a folder that runs the PPO stack's check on a GPU host with Python and a CUDA PyTorch but no
 * Java and no network.
 * <pre>
 *   gpu-kit --out DIR [--classpath CP] [--djl-src DIR] [--torch-ref FILE] [--jre txz|dir] [--modules m1,m2]
 * </pre>
 * The folder holds {@code jre.tar.xz} (a jlinked runtime), {@code lib/} (the trainer jars with DJL's api and
 * PyTorch engine; the tokenizers jar with its linux-x86_64 native only; no libtorch), {@code cpu/} (Maven Central's
 * PyTorch JNI for libtorch 2.7.1 CPU, used only by the {@code --cpu} rehearsal), {@code djl-0.35.1/} (DJL's JNI
 * sources), {@code patches/}, {@code jni/include} (this JDK's jni.h and jni_md.h), {@code torch_ref.py}, the Python
 * helpers and {@code run-gpu-check.sh}. It refuses to exceed 60 MiB.
 */
public final class GpuKit {

    /** What the trainers need of the JDK: logging (DJL's), management (memory figures), Unsafe (DJL, gson). */
    static final String MODULES = "java.base,java.logging,java.management,jdk.unsupported";
    static final long LIMIT = 60L << 20;
    static final String[] KIT_FILES = {"run-gpu-check.sh", "build-jni.sh", "hf_reference.py", "torch_ref_on.py", "README.txt"};

    private GpuKit() {}

    /** The options; the paths without a default are found from the checkout ({@code -Drlhf.root}). */
    public static FlagTable options() {
        return new FlagTable("gpu-kit", "Builds the GPU kit: a folder that runs the PPO stack's check on a GPU host without Java.")
                .add("out", null, "Kit folder to write (required).")
                .add("classpath", null, "Class path of the trainers. Default: gpu-check's runtime class path.")
                .add("djl-src", null, "DJL 0.35.1 sources. Default: ../shared/vendor/djl-0.35.1 beside the checkout.")
                .add("torch-ref", null, "The PyTorch peer torch_ref.py. Default: ../shared/bench/torch_ref.py.")
                .add("jre", "txz", "The runtime as txz (jre.tar.xz) or dir.")
                .add("modules", MODULES, "JDK modules of the jlinked runtime.");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options().parseOrExit(args);
        if (!o.containsKey("out")) {
            System.err.println("error: option --out is required (see --help)");
            System.exit(2);
        }
        Path root = Path.of(System.getProperty("rlhf.root", "."));
        Path out = Path.of(o.get("out"));
        long size = build(out, o.getOrDefault("classpath", defaultClasspath(root)),
                Path.of(o.getOrDefault("djl-src", root.resolve("../shared/vendor/djl-0.35.1").toString())),
                Path.of(o.getOrDefault("torch-ref", root.resolve("../shared/bench/torch_ref.py").toString())),
                o.getOrDefault("jre", "txz"), o.getOrDefault("modules", MODULES));
        breakdown(out).forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-24s %8.2f MiB%n", k, v / 1048576.0));
        System.out.printf(Locale.ROOT, "kit %s: %.1f MiB (%d bytes; limit 60 MiB)%n", out, size / 1048576.0, size);
    }

    /** This module's classes and its runtime dependencies as the build wrote them, else this JVM's class path. */
    static String defaultClasspath(Path root) throws IOException {
        Path file = root.resolve("gpu-check/target/runtime-classpath.txt");
        if (!Files.isRegularFile(file)) return System.getProperty("java.class.path");
        return root.resolve("gpu-check/target/classes") + java.io.File.pathSeparator + Files.readString(file).trim();
    }

    /** Builds the kit into {@code out} (emptied first if it holds an earlier kit) and returns its size in bytes. */
    public static long build(Path out, String classpath, Path djlSrc, Path torchRef, String jreFormat, String modules)
            throws IOException, InterruptedException {
        return build(out, classpath, djlSrc, torchRef, jreFormat, modules, 6);
    }

    /** As above, the runtime's tar compressed at xz level {@code xzLevel} (6 for the kit; a test may take 1). */
    public static long build(Path out, String classpath, Path djlSrc, Path torchRef, String jreFormat, String modules,
                             int xzLevel) throws IOException, InterruptedException {
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent() && !Files.exists(out.resolve("run-gpu-check.sh"))) {
                    throw new IOException(out + " is not empty and holds no earlier kit: refusing to overwrite it");
                }
            }
            deleteTree(out);
        }
        Files.createDirectories(out.resolve("lib"));
        Files.createDirectories(out.resolve("cpu"));

        // 1. The runtime.
        Path jre = out.resolve("jre");
        jlink(jre, modules);
        if (jreFormat.equals("txz")) {
            run(List.of("tar", "-C", out.toString(), "-cJf", out.resolve("jre.tar.xz").toString(), "jre"), Map.of("XZ_OPT", "-" + xzLevel + " -T2"));
            deleteTree(jre);
        } else if (!jreFormat.equals("dir")) {
            throw new IllegalArgumentException("--jre must be txz or dir, was " + jreFormat);
        }

        // 2. The jars.
        List<String> listed = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) continue;
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            if (Files.isDirectory(p)) {
                if (!Files.exists(p)) continue;
                Path module = p.getParent() != null && p.getParent().getFileName().toString().equals("target") ? p.getParent().getParent() : p;
                String jar = module.getFileName() + (name.equals("classes") ? "" : "-" + name) + ".jar";
                jarDirectory(p, out.resolve("lib").resolve(jar));
                listed.add("lib/" + jar);
            } else if (name.startsWith("pytorch-native-")) {
                continue; // libtorch itself: the host's own (GPU) or the engine cache's (rehearsal)
            } else if (name.startsWith("pytorch-jni-")) {
                Files.copy(p, out.resolve("cpu").resolve(name));
                listed.add("cpu/" + name);
            } else if (name.startsWith("tokenizers-")) {
                keepOnly(p, out.resolve("lib").resolve(name), "native/lib/", "native/lib/linux-x86_64/");
                listed.add("lib/" + name);
            } else if (name.endsWith(".jar")) {
                Files.copy(p, out.resolve("lib").resolve(name));
                listed.add("lib/" + name);
            }
        }

        // 3. The JNI sources, the patches, the headers, the peer and the scripts.
        if (Files.isDirectory(djlSrc.resolve("engines/pytorch/pytorch-native"))) {
            copyTree(djlSrc, out.resolve("djl-0.35.1"));
        } else {
            System.err.println("warning: no DJL sources at " + djlSrc + "; the kit can rehearse (--cpu) but not build the JNI");
        }
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path include = javaHome.resolve("include");
        Files.createDirectories(out.resolve("jni/include/linux"));
        Files.copy(include.resolve("jni.h"), out.resolve("jni/include/jni.h"));
        Files.copy(include.resolve("linux/jni_md.h"), out.resolve("jni/include/linux/jni_md.h"));
        if (Files.isRegularFile(torchRef)) {
            Files.copy(torchRef, out.resolve("torch_ref.py"));
        } else {
            System.err.println("warning: no torch_ref.py at " + torchRef + "; the check will skip the PyTorch peer");
        }
        for (String f : KIT_FILES) copyResource("kit/" + f, out.resolve(f));
        Files.createDirectories(out.resolve("patches"));
        String index = new String(resource("kit/patches/index.txt"), StandardCharsets.UTF_8);
        for (String patch : index.split("\n")) {
            if (!patch.isBlank() && !patch.startsWith("#")) copyResource("kit/patches/" + patch.trim(), out.resolve("patches").resolve(patch.trim()));
        }
        for (String script : List.of("run-gpu-check.sh", "build-jni.sh")) {
            Files.setPosixFilePermissions(out.resolve(script), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(out.resolve("classpath.txt"), String.join("\n", listed) + "\n", StandardCharsets.UTF_8);

        long size = sizeOf(out);
        if (size > LIMIT) throw new IOException(String.format(Locale.ROOT, "kit is %.1f MiB, over the 60 MiB limit", size / 1048576.0));
        return size;
    }

    static void jlink(Path jre, String modules) {
        ToolProvider jlink = ToolProvider.findFirst("jlink").orElseThrow(() -> new IllegalStateException("this Java has no jlink (a JDK is needed)"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintWriter w = new PrintWriter(log, true, StandardCharsets.UTF_8);
        int rc = jlink.run(w, w, "--add-modules", modules, "--compress=2", "--no-header-files", "--no-man-pages",
                "--strip-debug", "--output", jre.toString());
        if (rc != 0) throw new IllegalStateException("jlink failed (" + rc + "): " + log.toString(StandardCharsets.UTF_8));
    }

    private static void run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + output);
    }

    /** A jar of a class folder (no manifest needed: the check names its main class). */
    static void jarDirectory(Path dir, Path jar) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream os = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Path f : files) {
                zip.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
    }

    /** A copy of a jar without the entries under {@code prefix} other than those under {@code keep}. */
    static void keepOnly(Path src, Path dst, String prefix, String keep) throws IOException {
        try (ZipFile in = new ZipFile(src.toFile()); OutputStream os = Files.newOutputStream(dst); ZipOutputStream zip = new ZipOutputStream(os)) {
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String n = e.getName();
                if (n.startsWith(prefix) && !n.startsWith(keep) && !n.equals(prefix) && !n.endsWith(".properties")) continue;
                zip.putNextEntry(new ZipEntry(n));
                try (InputStream is = in.getInputStream(e)) {
                    is.transferTo(zip);
                }
                zip.closeEntry();
            }
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream is = GpuKit.class.getResourceAsStream(name)) {
            if (is == null) throw new IOException("missing resource " + name);
            return is.readAllBytes();
        }
    }

    private static void copyResource(String name, Path dst) throws IOException {
        Files.write(dst, resource(name));
    }

    static void copyTree(Path src, Path dst) throws IOException {
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Sizes by top-level entry, for the build's report. */
    static Map<String, Long> breakdown(Path dir) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) m.put(p.getFileName().toString(), Files.isDirectory(p) ? sizeOf(p) : Files.size(p));
        }
        return m;
    }
}
