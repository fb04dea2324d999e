package dev.rlhf.web.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One labeler over HTTP: signs in once through the login form (session cookie), fetches the CSRF token,
 * then loops claim → submit on the JSON API.
 */
final class SimulatedLabeler {
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern SESSION = Pattern.compile("JSESSIONID=([^;]+)");

    private final HttpClient http;
    private final JsonMapper json;
    private final String base;
    private String session;
    private String csrf;

    SimulatedLabeler(HttpClient http, JsonMapper json, String base) {
        this.http = http;
        this.json = json;
        this.base = base;
    }

    void signIn(String username, String password) throws IOException, InterruptedException {
        HttpResponse<String> loginPage = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        remember(loginPage);
        Matcher field = CSRF_FIELD.matcher(loginPage.body());
        if (!field.find()) {
            throw new IllegalStateException("no CSRF field on the login page");
        }
        String form = "username=" + enc(username) + "&password=" + enc(password) + "&_csrf=" + enc(field.group(1));
        HttpResponse<String> login = http.send(request("/login")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        remember(login);
        String location = login.headers().firstValue("Location").orElse("");
        if (login.statusCode() != 302 || location.contains("error")) {
            throw new IllegalStateException("sign-in failed for " + username + ": " + login.statusCode() + " " + location);
        }
        HttpResponse<String> token = http.send(request("/api/csrf").GET().build(), HttpResponse.BodyHandlers.ofString());
        csrf = json.readTree(token.body()).get("token").asString();
    }

    /** Claims the next assignment; null when there is no work left for this labeler. */
    Claim claim() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/api/labeling/next")
                .header("X-CSRF-TOKEN", csrf).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 204) {
            return null;
        }
        expect(response, 200);
        JsonNode body = json.readTree(response.body());
        return new Claim(body.get("assignmentId").asLong(), body.get("tiesAllowed").asBoolean());
    }

    /** Submits a random answer; returns the stored label's id. */
    long submit(Claim claim) throws IOException, InterruptedException {
        int confidence;
        do {
            confidence = ThreadLocalRandom.current().nextInt(1, 10);
        } while (confidence == 5 && !claim.tiesAllowed());
        String body = "{\"assignmentId\":" + claim.assignmentId() + ",\"idempotencyKey\":\"" + UUID.randomUUID()
                + "\",\"confidence\":" + confidence + ",\"flags\":[]}";
        HttpResponse<String> response = http.send(request("/api/labeling/labels")
                        .header("X-CSRF-TOKEN", csrf).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        expect(response, 201);
        return json.readTree(response.body()).get("labelId").asLong();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (session != null) {
            builder.header("Cookie", "JSESSIONID=" + session);
        }
        return builder;
    }

    private void remember(HttpResponse<?> response) {
        List<String> cookies = response.headers().allValues("Set-Cookie");
        for (String cookie : cookies) {
            Matcher m = SESSION.matcher(cookie);
            if (m.find()) {
                session = m.group(1);
            }
        }
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().uri().getPath() + " answered " + response.statusCode()
                    + ": " + response.body());
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    record Claim(long assignmentId, boolean tiesAllowed) {
    }
}
