package dev.rlhf.web.demo;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulated labeler that works as a person does, over HTTP: signs in through the login form, asks for the next
 * comparison, reads the two summaries on screen and answers on the screen's 9-point scale, until no work is left.
 * Its judgement is a hidden rule with label noise: it prefers the more concise summary, provided a summary says
 * something (at least {@link #MIN_WORDS} words), and with probability {@code noise} it picks the other one.
 */
final class DemoLabeler {
    static final int MIN_WORDS = 3;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final HttpClient http;
    private final String base;
    private final Random random;
    private final double noise;
    private String csrf;

    DemoLabeler(String base, long seed, double noise) {
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.base = base;
        this.random = new Random(seed);
        this.noise = noise;
    }

    /** The hidden rule's score of a summary: fewer words is better, fewer than {@link #MIN_WORDS} is worst. */
    static double quality(String summary) {
        String t = summary.strip();
        int words = t.isEmpty() ? 0 : t.split("\\s+").length;
        return words < MIN_WORDS ? -1000 + words : -words;
    }

    void signIn(String username, String password) throws IOException, InterruptedException {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = CSRF_FIELD.matcher(page.body());
        if (!m.find()) throw new IllegalStateException("no CSRF field on the login page");
        String form = "username=" + enc(username) + "&password=" + enc(password) + "&_csrf=" + enc(m.group(1));
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        String location = login.headers().firstValue("Location").orElse("");
        if (login.statusCode() != 302 || location.contains("error")) {
            throw new IllegalStateException("sign-in failed for " + username + ": " + login.statusCode() + " " + location);
        }
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(base + "/api/csrf")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        csrf = JSON.readTree(token.body()).path("token").asString();
        if (csrf.isEmpty()) throw new IllegalStateException("no CSRF token in " + token.body());
    }

    /** Labels until the platform has no more work for this labeler; returns the labels given. */
    int labelAll() throws IOException, InterruptedException {
        int given = 0;
        while (true) {
            HttpResponse<String> next = post("/api/labeling/next", "");
            if (next.statusCode() == 204) return given;
            if (next.statusCode() != 200) throw new IllegalStateException("/api/labeling/next answered " + next.statusCode() + ": " + next.body());
            JsonNode work = JSON.readTree(next.body());
            String left = work.get("candidates").get(0).asString(), right = work.get("candidates").get(1).asString();
            double ql = quality(left), qr = quality(right);
            boolean leftBetter = ql == qr ? random.nextBoolean() : ql > qr;
            if (random.nextDouble() < noise) leftBetter = !leftBetter;
            int confidence = leftBetter ? 2 : 8;            // 2: left clearly better, 8: right clearly better
            String answer = "{\"assignmentId\":" + work.get("assignmentId").asLong() + ",\"idempotencyKey\":\""
                    + UUID.randomUUID() + "\",\"confidence\":" + confidence + "}";
            HttpResponse<String> stored = post("/api/labeling/labels", answer);
            if (stored.statusCode() != 201) throw new IllegalStateException("/api/labeling/labels answered " + stored.statusCode() + ": " + stored.body());
            given++;
        }
    }

    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("X-CSRF-TOKEN", csrf)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
