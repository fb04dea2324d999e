package dev.rlhf.web.api;

import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over real HTTP (the container's own error dispatch, which MockMvc does not run): {@code GET /error} opened directly
 * is 404, as a page and as JSON, while a real error still renders through it with its own status.
 */
@PlatformTest
class DirectErrorRequestTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Accept", accept)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void errorOpenedDirectlyIsNotFound() throws Exception {
        assertThat(get("/error", "text/html").statusCode()).isEqualTo(404);
        HttpResponse<String> json = get("/error", "application/json");
        assertThat(json.statusCode()).isEqualTo(404);
        assertThat(json.body()).contains("\"status\":404");
        // an anonymous API call is still 401: the error dispatch behind it is untouched
        assertThat(get("/api/labeling/stats", "application/json").statusCode()).isEqualTo(401);
    }
}
