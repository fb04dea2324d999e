package dev.rlhf.web.importing;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.UserAccount;
import dev.rlhf.web.support.Fixtures;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.ByteArrayOutputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over real HTTP (the container parses the multipart body, which MockMvc does not): an upload over the limit
 * ({@code PlatformTest} sets 8MB) is 413 with JSON naming the limit, and nothing is queued.
 */
@PlatformTest
class UploadLimitsTest {
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern CSRF_TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");

    @LocalServerPort
    int port;
    @Autowired
    Fixtures fixtures;

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    @Test
    void anUploadOverTheLimitIsA413NamingTheLimit() throws Exception {
        UserAccount admin = fixtures.user(Role.ADMIN);
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String loginPage = http.send(HttpRequest.newBuilder(uri("/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        String form = "username=" + admin.getUsername() + "&password=" + URLEncoder.encode("password-" + admin.getUsername(),
                StandardCharsets.UTF_8) + "&_csrf=" + URLEncoder.encode(find(CSRF_FIELD, loginPage), StandardCharsets.UTF_8);
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.headers().firstValue("Location").orElse("")).doesNotContain("error");
        String token = find(CSRF_TOKEN, http.send(HttpRequest.newBuilder(uri("/api/csrf")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        long jobsBefore = fixtures.jdbc().sql("SELECT count(*) FROM import_jobs").query(Long.class).single();

        String boundary = "upload-limits-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(new byte[9 * 1024 * 1024]);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(uri("/api/imports?kind=POSTS&wait=true"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("X-CSRF-TOKEN", token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(upload.statusCode()).isEqualTo(413);
        assertThat(upload.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(upload.body()).contains("\"field\":\"file\"").contains("at most 8MB per file");
        assertThat(fixtures.jdbc().sql("SELECT count(*) FROM import_jobs").query(Long.class).single()).isEqualTo(jobsBefore);
    }
}
