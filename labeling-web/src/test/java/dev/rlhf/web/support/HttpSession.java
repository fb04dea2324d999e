package dev.rlhf.web.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A script's view of a running application over real HTTP: signs in through the login form (session cookie), takes
 * the CSRF token from {@code /api/csrf}, and sends JSON. Each request has a bounded timeout, so a hanging server
 * fails the test instead of stalling it.
 */
public final class HttpSession {
    private static final Pattern LOGIN_CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final URI base;
    private final HttpClient http;
    private String csrf;

    private HttpSession(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** Signs in; throws {@link IOException} when the server is unreachable or refuses the password. */
    public static HttpSession signIn(URI base, String username, String password) throws IOException, InterruptedException {
        HttpSession session = new HttpSession(base);
        HttpResponse<String> page = session.send(HttpRequest.newBuilder(base.resolve("/login")).GET());
        Matcher m = LOGIN_CSRF.matcher(page.body());
        if (page.statusCode() != 200 || !m.find()) throw new IOException("login page: " + page.statusCode());
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> login = session.send(HttpRequest.newBuilder(base.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
        String location = login.headers().firstValue("Location").orElse("");
        if (login.statusCode() != 302 || location.contains("error")) {
            throw new IOException("sign-in of " + username + " refused: " + login.statusCode() + " " + location);
        }
        HttpResponse<String> csrf = session.send(HttpRequest.newBuilder(base.resolve("/api/csrf")).GET());
        Matcher t = TOKEN.matcher(csrf.body());
        if (csrf.statusCode() != 200 || !t.find()) throw new IOException("/api/csrf: " + csrf.statusCode() + " " + csrf.body());
        session.csrf = t.group(1);
        return session;
    }

    public HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .header("X-CSRF-TOKEN", csrf).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
