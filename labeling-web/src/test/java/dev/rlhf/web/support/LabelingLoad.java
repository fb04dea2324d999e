package dev.rlhf.web.support;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * N labelers submitting through the JSON API at once, each in its own thread, for as long as the test lets them. Every
 * answer is recorded: the acknowledged labels (2xx with a label id), the refusals (status and body) and the requests
 * that got no HTTP answer at all. After an answer that is not 2xx a labeler asks for its current assignment again
 * before it submits (its label may have been stored); after no answer it signs in again (the server may be a new one).
 */
public final class LabelingLoad implements AutoCloseable {
    /** One request that got an HTTP answer: which, its status, and its body. */
    public record Response(String what, int status, String contentType, String body, long atNanos) {
    }

    private final Supplier<URI> base;
    private final List<String> usernames;
    private final String password;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService pool;
    private final List<Future<?>> labelers = new ArrayList<>();
    public final List<ApiLabeler.Answer> acknowledged = Collections.synchronizedList(new ArrayList<>());
    public final List<Response> notAcknowledged = Collections.synchronizedList(new ArrayList<>());
    public final List<String> noAnswer = Collections.synchronizedList(new ArrayList<>());

    /** {@code base} is read on every sign-in, so a test can point the labelers at a restarted server. */
    public LabelingLoad(Supplier<URI> base, List<String> usernames, String password) {
        this.base = base;
        this.usernames = usernames;
        this.password = password;
        this.pool = Executors.newFixedThreadPool(usernames.size());
    }

    public LabelingLoad start() {
        for (String username : usernames) labelers.add(pool.submit(() -> label(username)));
        return this;
    }

    public boolean anyAcknowledgedAfter(long nanos) {
        synchronized (acknowledged) {
            return acknowledged.stream().anyMatch(a -> a.atNanos() > nanos);
        }
    }

    public int acknowledgedCount() {
        return acknowledged.size();
    }

    private void label(String username) {
        ApiLabeler labeler = null;
        while (running.get()) {
            try {
                if (labeler == null) {
                    labeler = new ApiLabeler(HttpSession.signIn(base.get(), username, password));
                    if (!labeler.next()) return;
                }
                ApiLabeler.Answer answer = labeler.submit();
                if (answer.acknowledged()) {
                    acknowledged.add(answer);
                    if (!labeler.hasWork()) return;
                } else {
                    notAcknowledged.add(new Response("labels-and-next", answer.status(), answer.contentType(), answer.body(),
                            System.nanoTime()));
                    pause();
                    refreshAssignment(labeler);
                    if (!labeler.hasWork()) return;
                }
            } catch (IOException e) {
                noAnswer.add(username + ": " + e);
                labeler = null;
                pause();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                noAnswer.add(username + ": " + e);
                labeler = null;
                pause();
            }
        }
    }

    /** Asks for the current assignment until the server answers 200 or 204 (it may answer 503 for a while). */
    private void refreshAssignment(ApiLabeler labeler) throws IOException, InterruptedException {
        while (running.get()) {
            ApiLabeler.Next next = labeler.nextOrStatus();
            if (next.status() == 200 || next.status() == 204) return;
            notAcknowledged.add(new Response("next", next.status(), next.contentType(), next.body(), System.nanoTime()));
            pause();
        }
    }

    /** Paces retries while the server is away (a wait between attempts, not a synchronisation). */
    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the labelers and waits for them; fails if one does not stop within the request timeout. */
    @Override
    public void close() throws Exception {
        running.set(false);
        pool.shutdown();
        if (!pool.awaitTermination(HttpSession.TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new AssertionError("labelers did not stop");
        }
        for (Future<?> f : labelers) f.get();
    }

    public static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
