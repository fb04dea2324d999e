package dev.rlhf.bench.labeling;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One labeler over HTTP on its own keep-alive connection: signs in once through the login form (session
 * cookie), fetches the CSRF token, then claims its first assignment ({@code POST /api/labeling/next}) and loops
 * either claim → submit (two requests per label) or submit-and-next ({@code POST /api/labeling/labels-and-next},
 * one request per label that also hands out the next assignment). Every response's status is checked.
 */
final class SimulatedLabeler implements AutoCloseable {
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern SESSION = Pattern.compile("JSESSIONID=([^;]+)");
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");

    private final LeanHttpConnection http;
    private List<String> headers = List.of();
    private String session;

    SimulatedLabeler(String host, int port) {
        this.http = new LeanHttpConnection(host, port);
    }

    void signIn(String username, String password) throws IOException {
        LeanHttpConnection.Response loginPage = http.send("GET", "/login", List.of(), null, null);
        remember(loginPage);
        Matcher field = CSRF_FIELD.matcher(loginPage.body());
        if (!field.find()) {
            throw new IllegalStateException("no CSRF field on the login page");
        }
        String form = "username=" + enc(username) + "&password=" + enc(password) + "&_csrf=" + enc(field.group(1));
        LeanHttpConnection.Response login = http.send("POST", "/login", cookie(), "application/x-www-form-urlencoded", form);
        remember(login);
        String location = login.header("Location");
        if (login.status() != 302 || location == null || location.contains("error")) {
            throw new IllegalStateException("sign-in failed for " + username + ": " + login.status() + " " + location);
        }
        LeanHttpConnection.Response token = http.send("GET", "/api/csrf", cookie(), null, null);
        expect(token, 200, "/api/csrf");
        Matcher m = TOKEN.matcher(token.body());
        if (!m.find()) {
            throw new IllegalStateException("no token in " + token.body());
        }
        headers = List.of("Cookie: JSESSIONID=" + session, "X-CSRF-TOKEN: " + m.group(1));
    }

    /** Claims the next assignment; null when there is no work left for this labeler. */
    Claim claim() throws IOException {
        LeanHttpConnection.Response response = http.send("POST", "/api/labeling/next", headers, null, null);
        if (response.status() == 204) {
            return null;
        }
        expect(response, 200, "/api/labeling/next");
        return claimIn(response.body(), 0);
    }

    /** Submits a random answer; returns the stored label's id. */
    long submit(Claim claim) throws IOException {
        LeanHttpConnection.Response response = http.send("POST", "/api/labeling/labels", headers, "application/json",
                answer(claim));
        expect(response, 201, "/api/labeling/labels");
        return number(response.body(), "\"labelId\":", 0);
    }

    /** Submits a random answer and gets the next assignment in the same response (null next: no more work). */
    Submitted submitAndNext(Claim claim) throws IOException {
        LeanHttpConnection.Response response = http.send("POST", "/api/labeling/labels-and-next", headers,
                "application/json", answer(claim));
        expect(response, 201, "/api/labeling/labels-and-next");
        String body = response.body();
        long labelId = number(body, "\"labelId\":", 0);
        int next = body.indexOf("\"next\":");
        if (next < 0) {
            throw new IllegalStateException("no next in " + body);
        }
        Claim nextClaim = body.startsWith("null", next + 7) ? null : claimIn(body, next);
        return new Submitted(labelId, nextClaim);
    }

    private static String answer(Claim claim) {
        int confidence;
        do {
            confidence = ThreadLocalRandom.current().nextInt(1, 10);
        } while (confidence == 5 && !claim.tiesAllowed());
        return "{\"assignmentId\":" + claim.assignmentId() + ",\"idempotencyKey\":\"" + UUID.randomUUID()
                + "\",\"confidence\":" + confidence + ",\"flags\":[]}";
    }

    private static Claim claimIn(String body, int from) {
        long assignmentId = number(body, "\"assignmentId\":", from);
        int ties = body.indexOf("\"tiesAllowed\":", from);
        if (ties < 0) {
            throw new IllegalStateException("no tiesAllowed in " + body);
        }
        return new Claim(assignmentId, body.startsWith("true", ties + 14));
    }

    private static long number(String body, String key, int from) {
        int at = body.indexOf(key, from);
        if (at < 0) {
            throw new IllegalStateException("no " + key + " in " + body);
        }
        int start = at + key.length();
        int end = start;
        while (end < body.length() && (Character.isDigit(body.charAt(end)) || body.charAt(end) == '-')) {
            end++;
        }
        return Long.parseLong(body, start, end, 10);
    }

    private List<String> cookie() {
        return session == null ? List.of() : List.of("Cookie: JSESSIONID=" + session);
    }

    private void remember(LeanHttpConnection.Response response) {
        for (String cookie : response.headers("Set-Cookie")) {
            Matcher m = SESSION.matcher(cookie);
            if (m.find()) {
                session = m.group(1);
            }
        }
    }

    private static void expect(LeanHttpConnection.Response response, int status, String path) {
        if (response.status() != status) {
            throw new IllegalStateException(path + " answered " + response.status() + ": " + response.body());
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }

    record Claim(long assignmentId, boolean tiesAllowed) {
    }

    record Submitted(long labelId, Claim next) {
    }
}
