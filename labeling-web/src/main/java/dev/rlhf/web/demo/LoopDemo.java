package dev.rlhf.web.demo;

import dev.rlhf.web.RlhfApplication;
import dev.rlhf.web.account.AccountService;
import dev.rlhf.web.account.Role;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.evaluation.MethodComparison;
import dev.rlhf.web.snapshots.LabelSnapshots;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.runs.Run;
import dev.rlhf.web.runs.RunLauncher;
import dev.rlhf.web.runs.RunQueue;
import dev.rlhf.web.runs.RunState;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.rlhf.lm.commandline.FlagTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The whole loop in one command, on an embedded database in a temporary directory:
 * <ol>
 *   <li>start the platform; create a researcher and simulated labelers ({@link DemoLabeler}: a hidden rule, concise
 *       summaries that say something, with label noise, answering through the labeling API);</li>
 *   <li>generate posts with candidate summaries into a pairwise batch, and held-out posts for evaluation;</li>
 *   <li>the labelers label the batch; freeze the labels into a snapshot;</li>
 *   <li>through the run queue: SFT on the posts' reference summaries, a reward model on the snapshot, then PPO and RLOO
 *       against it and DPO on the snapshot itself;</li>
 *   <li>a human evaluation of each policy against the reference summaries on the held-out posts, answered by the same
 *       labelers; print the win rates with their 95% intervals, the KL to the SFT model and the reward model's
 *       accuracy, and as the last line one JSON object.</li>
 * </ol>
 * <pre>
 *   LoopDemo [--quick] [--exit] [--port 8080] [--seed 1]
 * </pre>
 * {@code --quick} is a small run (minutes on two cores); without it the run is larger and slower and shows the methods
 * apart more clearly. The platform keeps running at the end, with its URL and the researcher's sign-in printed,
 * unless {@code --exit}.
 */
public final class LoopDemo {

    /** The sizes of a demo run. */
    record Scale(int comparisons, int heldOut, int labelers, int nLayer, int nEmbd, int nPositions, int sftSteps,
                 int rmEpochs, int ppoIterations, int dpoSteps) {
        static final Scale QUICK = new Scale(240, 40, 4, 2, 64, 384, 150, 1, 8, 40);
        static final Scale FULL = new Scale(1200, 120, 6, 4, 128, 384, 1500, 3, 60, 300);
        /** For the test of the loop itself: every step runs, nothing is expected to learn much. */
        static final Scale TINY = new Scale(40, 8, 2, 1, 32, 384, 20, 1, 2, 4);

        /** Prompt tokens at most: the context less the response. */
        int maxPrompt() {
            return nPositions - RESPONSE;
        }
    }

    static final int RESPONSE = 48;
    static final double NOISE = 0.1;

    private LoopDemo() {}

    /** The command line. */
    static FlagTable options() {
        return new FlagTable("demo", "The whole loop in one command: labels, SFT, reward model, PPO, RLOO, DPO, human evaluation.")
                .flag("quick", "A small run (minutes on two cores); without it larger and slower.")
                .flag("exit", "Stop the platform at the end instead of keeping it running.")
                .add("port", "8080", "Port of the platform.")
                .add("seed", "1", "Seed of the generated posts, the labelers and the trainers.");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options().parseOrExit(args);
        boolean quick = Boolean.parseBoolean(o.get("quick")), exit = Boolean.parseBoolean(o.get("exit"));
        int port = Integer.parseInt(o.get("port"));
        long seed = Long.parseLong(o.get("seed"));
        Scale s = quick ? Scale.QUICK : Scale.FULL;
        long start = System.nanoTime();
        Path home = Files.createTempDirectory("rlhf-demo-");
        say("platform data in " + home);
        ConfigurableApplicationContext app = SpringApplication.run(RlhfApplication.class, "--rlhf.data-dir=" + home,
                "--server.port=" + port, "--rlhf.demo.enabled=false", "--rlhf.worker.enabled=true",
                "--logging.level.root=WARN", "--spring.main.banner-mode=off");
        int actualPort = ((WebServerApplicationContext) app).getWebServer().getPort();
        String url = "http://127.0.0.1:" + actualPort;
        LoopDemo.Result result;
        try {
            result = run(app, url, s, seed, "");
        } catch (Exception e) {
            System.err.println("error: the demo stopped: " + e.getMessage());
            app.close();
            System.exit(1);
            return;
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        System.out.println();
        System.out.println(result.table());
        System.out.println(result.json(minutes));
        if (exit) {
            app.close();
            return;
        }
        say("the platform keeps running at " + url + " (sign in as researcher / " + result.researcherPassword()
                + "); stop it with Ctrl-C");
        Thread.currentThread().join();
    }

    /** What the demo measured, per method. */
    record Result(List<MethodComparison.Row> rows, double rewardModelAccuracy, String researcherPassword) {
        String table() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-6s %-28s %10s %18s %8s %8s%n", "method",
                    "model", "win rate", "95% interval", "labels", "KL"));
            for (MethodComparison.Row r : rows) {
                b.append(String.format(Locale.ROOT, "%-6s %-28s %10s %18s %8d %8s%n", r.method(), r.name(), r.rate(),
                        r.intervalShown(), r.labels(), r.klShown()));
            }
            b.append(String.format(Locale.ROOT, "reward model validation accuracy %.3f", rewardModelAccuracy));
            return b.toString();
        }

        String json(double minutes) {
            JsonMapper json = JsonMapper.builder().build();
            ObjectNode o = json.createObjectNode();
            ObjectNode wins = o.putObject("win_rates"), intervals = o.putObject("intervals"), kl = o.putObject("kl");
            for (MethodComparison.Row r : rows) {
                String k = r.method().toLowerCase(Locale.ROOT);
                wins.put(k, r.winRate());
                intervals.putArray(k).add(r.interval().low()).add(r.interval().high());
                if (r.kl() == null) kl.putNull(k);
                else kl.put(k, r.kl());
            }
            o.put("reward_model_accuracy", rewardModelAccuracy);
            o.put("minutes", Math.round(minutes * 100) / 100.0);
            return o.toString();
        }
    }

    /**
     * The loop on a running platform at {@code url}; {@code tag} prefixes the names of the accounts and batches it
     * creates (empty on a fresh database).
     */
    static Result run(ApplicationContext app, String url, Scale s, long seed, String tag) throws Exception {
        AccountService accounts = app.getBean(AccountService.class);
        String researcherPassword = secret();
        long researcher = accounts.create(tag + "researcher", researcherPassword, Role.RESEARCHER, tag + "researcher").getId();
        List<String[]> labelers = new ArrayList<>();
        for (int i = 1; i <= s.labelers(); i++) {
            String name = tag + "labeler-" + i, password = secret();
            accounts.create(name, password, Role.LABELER, name);
            labelers.add(new String[] {name, password});
        }

        DemoPostGenerator posts = new DemoPostGenerator(seed);
        DemoBatches batches = app.getBean(DemoBatches.class);
        batches.create(tag + "loop-labels", BatchMode.PAIRWISE, 1, false, 10, s.comparisons(), posts);
        batches.createHeldOut(tag + "loop-held-out", s.heldOut(), posts);
        say(s.comparisons() + " comparisons to label, " + s.heldOut() + " held-out posts");

        int labels = label(url, labelers, seed);
        LabelSnapshots snapshots = app.getBean(LabelSnapshots.class);
        long snapshot = snapshots.freeze(tag + "loop labels", tag + "loop-labels", null, researcher);
        say(labels + " labels from " + labelers.size() + " simulated labelers; snapshot " + snapshot);

        RunLauncher launcher = app.getBean(RunLauncher.class);
        RunQueue queue = app.getBean(RunQueue.class);
        ModelRegistry registry = app.getBean(ModelRegistry.class);
        long sft = model(queue, launch(launcher, researcher, Map.ofEntries(Map.entry("kind", "SFT"), Map.entry("name", "loop SFT"),
                Map.entry("steps", "" + s.sftSteps()), Map.entry("batchSize", "8"), Map.entry("learningRate", "0.003"),
                Map.entry("minLearningRate", "0.0003"), Map.entry("warmupSteps", "20"), Map.entry("checkpointEvery", "" + s.sftSteps()),
                Map.entry("nLayer", "" + s.nLayer()), Map.entry("nHead", "2"), Map.entry("nEmbd", "" + s.nEmbd()),
                Map.entry("nPositions", "" + s.nPositions()), Map.entry("maxPosts", "" + 10 * s.comparisons()),
                Map.entry("promptSplit", "train"))));
        long rm = model(queue, launch(launcher, researcher, Map.ofEntries(Map.entry("kind", "REWARD_MODEL"),
                Map.entry("name", "loop reward model"), Map.entry("snapshotId", "" + snapshot), Map.entry("baseModelId", "" + sft),
                Map.entry("epochs", "" + s.rmEpochs()), Map.entry("batchSize", "16"), Map.entry("learningRate", "0.001"),
                Map.entry("minLearningRate", "0.0001"), Map.entry("validationFraction", "0.2"))));
        double rmAccuracy = JsonMapper.builder().build().readTree(registry.find(rm).orElseThrow().metrics())
                .path("validation_accuracy").asDouble(Double.NaN);
        say(String.format(Locale.ROOT, "SFT model %d, reward model %d (validation accuracy %.3f)", sft, rm, rmAccuracy));

        String prompts = "" + 10 * s.comparisons();
        long ppo = launch(launcher, researcher, Map.ofEntries(Map.entry("kind", "PPO"), Map.entry("name", "loop PPO"),
                Map.entry("baseModelId", "" + sft), Map.entry("rewardModelId", "" + rm), Map.entry("maxPosts", prompts),
                Map.entry("promptSplit", "train"), Map.entry("iterations", "" + s.ppoIterations()), Map.entry("batchSize", "16"),
                Map.entry("minibatchSize", "8"), Map.entry("ppoEpochs", "2"), Map.entry("responseLength", "" + RESPONSE),
                Map.entry("maxPromptTokens", "" + s.maxPrompt()), Map.entry("learningRate", "0.0003"), Map.entry("klCoef", "0.05"),
                Map.entry("forwardBatchSize", "16"), Map.entry("sampleEvery", "0"), Map.entry("checkpointEvery", "" + s.ppoIterations())));
        long rloo = launch(launcher, researcher, Map.ofEntries(Map.entry("kind", "RLOO"), Map.entry("name", "loop RLOO"),
                Map.entry("baseModelId", "" + sft), Map.entry("rewardModelId", "" + rm), Map.entry("maxPosts", prompts),
                Map.entry("promptSplit", "train"), Map.entry("iterations", "" + s.ppoIterations()), Map.entry("batchSize", "4"),
                Map.entry("samplesPerPrompt", "4"), Map.entry("minibatchSize", "8"), Map.entry("epochs", "2"),
                Map.entry("responseLength", "" + RESPONSE), Map.entry("maxPromptTokens", "" + s.maxPrompt()),
                Map.entry("learningRate", "0.0003"), Map.entry("klCoef", "0.05"), Map.entry("forwardBatchSize", "16"),
                Map.entry("checkpointEvery", "" + s.ppoIterations())));
        long dpo = launch(launcher, researcher, Map.ofEntries(Map.entry("kind", "DPO"), Map.entry("name", "loop DPO"),
                Map.entry("snapshotId", "" + snapshot), Map.entry("baseModelId", "" + sft), Map.entry("steps", "" + s.dpoSteps()),
                Map.entry("batchSize", "8"), Map.entry("learningRate", "0.0003"), Map.entry("warmupSteps", "5"),
                Map.entry("maxLength", "" + (s.nPositions() + 1)), Map.entry("checkpointEvery", "" + s.dpoSteps())));
        List<Long> policies = List.of(sft, model(queue, ppo), model(queue, rloo), model(queue, dpo));
        say("policies: SFT " + policies.get(0) + ", PPO " + policies.get(1) + ", RLOO " + policies.get(2) + ", DPO " + policies.get(3));

        List<Long> evaluations = new ArrayList<>();
        for (long policy : policies) {
            evaluations.add(launch(launcher, researcher, Map.ofEntries(Map.entry("kind", "EVALUATION"),
                    Map.entry("name", "loop evaluation of " + policy), Map.entry("baseModelId", "" + policy),
                    Map.entry("rewardModelId", "" + rm), Map.entry("postCount", "" + s.heldOut()), Map.entry("overlapK", "1"),
                    Map.entry("tiesAllowed", "false"), Map.entry("temperature", "1.0"), Map.entry("topK", "0"),
                    Map.entry("topP", "1.0"), Map.entry("maxNewTokens", "" + RESPONSE), Map.entry("seed", "" + seed))));
        }
        for (long e : evaluations) await(queue, e);
        int evaluationLabels = label(url, labelers, seed + 1000);
        say(evaluationLabels + " evaluation labels");
        List<MethodComparison.Row> rows = app.getBean(MethodComparison.class).rows(snapshot);
        return new Result(rows, rmAccuracy, researcherPassword);
    }

    /** Every labeler, each on its own thread, labels until no work is left; returns the labels given. */
    private static int label(String url, List<String[]> labelers, long seed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(labelers.size());
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < labelers.size(); i++) {
                String[] l = labelers.get(i);
                long labelerSeed = seed * 31 + i;
                done.add(pool.submit(() -> {
                    DemoLabeler labeler = new DemoLabeler(url, labelerSeed, NOISE);
                    labeler.signIn(l[0], l[1]);
                    return labeler.labelAll();
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) total += f.get();
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long launch(RunLauncher launcher, long researcher, Map<String, String> form) {
        RunLauncher.Result r = launcher.launch(new LinkedHashMap<>(form), researcher);
        if (!r.ok()) throw new IllegalStateException(form.get("kind") + " run refused: " + r.errors());
        say("queued " + form.get("name") + " (run " + r.runId() + ")");
        return r.runId();
    }

    /** Waits for the run and returns the model it registered. */
    private static long model(RunQueue queue, long runId) throws InterruptedException {
        Run run = await(queue, runId);
        if (run.outputModelId() == null) throw new IllegalStateException("run " + runId + " registered no model");
        return run.outputModelId();
    }

    private static Run await(RunQueue queue, long runId) throws InterruptedException {
        while (!queue.state(runId).finished()) Thread.sleep(500);
        Run run = queue.find(runId).orElseThrow();
        if (run.state() != RunState.SUCCEEDED) {
            throw new IllegalStateException("run " + runId + " (" + run.name() + ") " + run.state() + ": " + run.error());
        }
        say(String.format(Locale.ROOT, "%s finished", run.name()));
        return run;
    }

    private static String secret() {
        byte[] b = new byte[9];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }
}
