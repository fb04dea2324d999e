package dev.rlhf.web.account;

import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

/**
 * Every page and endpoint × every role (and anonymous) → the expected status. A new endpoint is one more
 * row in {@link #ENDPOINTS}. Allowed requests carry a valid CSRF token; POSTs with an empty body show that
 * the role got through to validation (400) rather than being stopped at the door (403).
 */
@PlatformTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoleMatrixTest extends MockMvcTest {
    enum Who { ANONYMOUS, LABELER, RESEARCHER, ADMIN }

    /** Anonymous pages go to the login page (302); anonymous API calls get 401. */
    static final int LOGIN = 302;

    record Endpoint(HttpMethod method, String path, String jsonBody, int anonymous, int labeler, int researcher, int admin) {
        int expected(Who who) {
            return switch (who) {
                case ANONYMOUS -> anonymous;
                case LABELER -> labeler;
                case RESEARCHER -> researcher;
                case ADMIN -> admin;
            };
        }
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            //            method           path                      body  anon   labeler researcher admin
            new Endpoint(HttpMethod.GET, "/login", null, 200, 200, 200, 200),
            new Endpoint(HttpMethod.GET, "/actuator/health", null, 200, 200, 200, 200),
            new Endpoint(HttpMethod.GET, "/actuator/prometheus", null, LOGIN, 403, 403, 200),
            new Endpoint(HttpMethod.GET, "/actuator/env", null, LOGIN, 403, 403, 403),
            new Endpoint(HttpMethod.GET, "/css/app.css", null, 200, 200, 200, 200),
            new Endpoint(HttpMethod.GET, "/js/labeling.js", null, 200, 200, 200, 200),
            new Endpoint(HttpMethod.GET, "/js/charts.js", null, 200, 200, 200, 200),
            new Endpoint(HttpMethod.GET, "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", null, 200, 200, 200, 200),
            new Endpoint(HttpMethod.GET, "/webjars/uplot/1.6.30/dist/uPlot.min.css", null, 200, 200, 200, 200),
            new Endpoint(HttpMethod.GET, "/", null, LOGIN, 302, 302, 302),
            new Endpoint(HttpMethod.GET, "/labeling", null, LOGIN, 200, 403, 403),
            new Endpoint(HttpMethod.POST, "/labeling/labels", null, LOGIN, 400, 403, 403),
            new Endpoint(HttpMethod.GET, "/research", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/admin", null, LOGIN, 403, 403, 200),
            new Endpoint(HttpMethod.POST, "/api/labeling/next", null, 401, 200, 403, 403),
            new Endpoint(HttpMethod.POST, "/api/labeling/labels", "{}", 401, 400, 403, 403),
            new Endpoint(HttpMethod.POST, "/api/labeling/labels-and-next", "{}", 401, 400, 403, 403),
            new Endpoint(HttpMethod.GET, "/api/labeling/stats", null, 401, 200, 403, 403),
            // skipping a comparison: labelers only (an empty skip names its missing field)
            new Endpoint(HttpMethod.POST, "/labeling/skips", null, LOGIN, 400, 403, 403),
            new Endpoint(HttpMethod.POST, "/api/labeling/skips", "{}", 401, 400, 403, 403),
            new Endpoint(HttpMethod.GET, "/api/csrf", null, 401, 200, 200, 200),
            // personal API tokens: researchers and admins, their own only
            new Endpoint(HttpMethod.GET, "/api/tokens", null, 401, 403, 200, 200),
            new Endpoint(HttpMethod.POST, "/api/tokens", "{}", 401, 403, 400, 400),
            new Endpoint(HttpMethod.DELETE, "/api/tokens/999999", null, 401, 403, 404, 404),
            new Endpoint(HttpMethod.GET, "/tokens", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.POST, "/tokens", null, LOGIN, 403, 400, 400),
            new Endpoint(HttpMethod.POST, "/tokens/999999/revoke", null, LOGIN, 403, 404, 404),
            // data: imports, exports, batches, accounts, quality, qualification, OpenAPI
            new Endpoint(HttpMethod.GET, "/admin/imports", null, LOGIN, 403, 403, 200),
            new Endpoint(HttpMethod.POST, "/admin/imports", null, LOGIN, 403, 403, 400),
            new Endpoint(HttpMethod.GET, "/admin/batches", null, LOGIN, 403, 403, 200),
            new Endpoint(HttpMethod.POST, "/admin/batches", null, LOGIN, 403, 403, 400),
            new Endpoint(HttpMethod.GET, "/admin/accounts", null, LOGIN, 403, 403, 200),
            new Endpoint(HttpMethod.POST, "/admin/accounts", null, LOGIN, 403, 403, 400),
            new Endpoint(HttpMethod.POST, "/admin/accounts/1/paused", null, LOGIN, 403, 403, 400),
            new Endpoint(HttpMethod.POST, "/admin/accounts/1/role", null, LOGIN, 403, 403, 400),
            new Endpoint(HttpMethod.GET, "/admin/qualification", null, LOGIN, 403, 403, 200),
            // the review of flags, notes and skips, and one comparison's page: admins only
            new Endpoint(HttpMethod.GET, "/admin/reviews", null, LOGIN, 403, 403, 200),
            new Endpoint(HttpMethod.GET, "/admin/reviews?flag=offensive&page=2", null, LOGIN, 403, 403, 200),
            new Endpoint(HttpMethod.GET, "/admin/reviews?flag=nonsense", null, LOGIN, 403, 403, 400),
            new Endpoint(HttpMethod.GET, "/admin/comparisons/1", null, LOGIN, 403, 403, 200),
            new Endpoint(HttpMethod.GET, "/admin/comparisons/999999", null, LOGIN, 403, 403, 404),
            // a batch's instructions for its labelers: admins only
            new Endpoint(HttpMethod.POST, "/admin/batches/999999/instructions", null, LOGIN, 403, 403, 404),
            new Endpoint(HttpMethod.GET, "/research/quality", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/research/exports", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/labeling/qualification", null, LOGIN, 200, 403, 403),
            new Endpoint(HttpMethod.POST, "/api/imports", "{}", 401, 403, 403, 415),
            new Endpoint(HttpMethod.GET, "/api/imports", null, 401, 403, 403, 200),
            new Endpoint(HttpMethod.GET, "/api/exports/comparisons", null, 401, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/api/exports/pairs?split=nonsense", null, 401, 403, 400, 400),
            new Endpoint(HttpMethod.GET, "/api/labels", null, 401, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/api/batches", null, 401, 403, 200, 200),
            new Endpoint(HttpMethod.POST, "/api/batches", "{}", 401, 403, 403, 400),
            new Endpoint(HttpMethod.POST, "/api/batches/1/state", "{}", 401, 403, 403, 400),
            new Endpoint(HttpMethod.POST, "/api/batches/999999/instructions", "{}", 401, 403, 403, 404),
            new Endpoint(HttpMethod.GET, "/api/quality/labelers", null, 401, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/api/quality/batches", null, 401, 403, 200, 200),
            new Endpoint(HttpMethod.POST, "/api/gold", "{}", 401, 403, 403, 400),
            new Endpoint(HttpMethod.GET, "/api/qualification-tests", null, 401, 403, 200, 200),
            new Endpoint(HttpMethod.POST, "/api/qualification-tests", "{}", 401, 403, 403, 400),
            new Endpoint(HttpMethod.GET, "/api/accounts", null, 401, 403, 403, 200),
            // a labeler cannot make anyone (themselves included) an admin
            new Endpoint(HttpMethod.POST, "/api/accounts",
                    "{\"username\":\"matrix-escalation\",\"password\":\"long-enough-password\",\"role\":\"ADMIN\"}",
                    401, 403, 403, 201),
            new Endpoint(HttpMethod.POST, "/api/accounts/999999/password", null, 401, 403, 403, 404),
            new Endpoint(HttpMethod.POST, "/api/accounts/999999/enabled", "{}", 401, 403, 403, 400),
            new Endpoint(HttpMethod.POST, "/api/accounts/999999/role", "{}", 401, 403, 403, 400),
            // runs: researchers and admins launch, watch and cancel; labelers get 403
            new Endpoint(HttpMethod.GET, "/research/runs", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/research/runs/new", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.POST, "/research/runs", null, LOGIN, 403, 400, 400),
            new Endpoint(HttpMethod.GET, "/research/runs/999999", null, LOGIN, 403, 404, 404),
            new Endpoint(HttpMethod.POST, "/research/runs/999999/cancel", null, LOGIN, 403, 404, 404),
            new Endpoint(HttpMethod.GET, "/research/runs/compare?ids=999999", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/research/models/999999", null, LOGIN, 403, 404, 404),
            new Endpoint(HttpMethod.GET, "/research/models", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/research/models/999999/card.md", null, LOGIN, 403, 404, 404),
            new Endpoint(HttpMethod.GET, "/research/snapshots/999999", null, LOGIN, 403, 404, 404),
            new Endpoint(HttpMethod.GET, "/research/snapshots/999999/card.md", null, LOGIN, 403, 404, 404),
            new Endpoint(HttpMethod.GET, "/api/runs", null, 401, 403, 200, 200),
            new Endpoint(HttpMethod.POST, "/api/runs", "{}", 401, 403, 400, 400),
            new Endpoint(HttpMethod.GET, "/api/runs/999999", null, 401, 403, 404, 404),
            new Endpoint(HttpMethod.GET, "/api/runs/999999/metrics", null, 401, 403, 404, 404),
            new Endpoint(HttpMethod.POST, "/api/runs/999999/cancel", null, 401, 403, 404, 404),
            new Endpoint(HttpMethod.GET, "/research/runs/new?kind=REWARD_MODEL", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/research/runs/new?kind=PPO", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.POST, "/research/snapshots", null, LOGIN, 403, 400, 400),
            new Endpoint(HttpMethod.GET, "/api/snapshots", null, 401, 403, 200, 200),
            new Endpoint(HttpMethod.POST, "/api/snapshots", "{}", 401, 403, 400, 400),
            // active learning: the batch-selection run form, a selected batch's page and its export
            new Endpoint(HttpMethod.GET, "/research/runs/new?kind=SELECT_BATCH", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.POST, "/api/runs", "{\"kind\":\"SELECT_BATCH\"}", 401, 403, 400, 400),
            new Endpoint(HttpMethod.GET, "/research/batches/999999/selection", null, LOGIN, 403, 404, 404),
            new Endpoint(HttpMethod.GET, "/api/batches/999999/disagreements", null, 401, 403, 404, 404),
            // human evaluations: launched as runs; researchers and admins read them; labelers get 403
            new Endpoint(HttpMethod.GET, "/research/runs/new?kind=EVALUATION", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/research/evaluations", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/research/evaluations?model=999999", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/research/evaluations/999999", null, LOGIN, 403, 404, 404),
            new Endpoint(HttpMethod.GET, "/api/evaluations", null, 401, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/api/evaluations/999999", null, 401, 403, 404, 404),
            // the API's documentation: researchers and admins
            new Endpoint(HttpMethod.GET, "/v3/api-docs", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/swagger-ui/index.html", null, LOGIN, 403, 200, 200),
            new Endpoint(HttpMethod.GET, "/swagger-ui.html", null, LOGIN, 403, 302, 302),
            // the error page exists only for the container's error dispatch: opened directly, there is nothing there
            new Endpoint(HttpMethod.GET, "/error", null, 404, 404, 404, 404));


    final Map<Who, SignedInUser> users = new EnumMap<>(Who.class);

    @BeforeAll
    void usersAndWork() {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, true, 3);
        users.put(Who.LABELER, fixtures.signedIn(Role.LABELER));
        users.put(Who.RESEARCHER, fixtures.signedIn(Role.RESEARCHER));
        users.put(Who.ADMIN, fixtures.signedIn(Role.ADMIN));
    }

    static Stream<Object[]> matrix() {
        List<Object[]> cells = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (Who who : Who.values()) {
                cells.add(new Object[]{endpoint.method() + " " + endpoint.path(), who, endpoint});
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("matrix")
    void statusMatchesTheMatrix(String name, Who who, Endpoint endpoint) throws Exception {
        MockHttpServletRequestBuilder request = request(endpoint.method(), endpoint.path()).with(csrf());
        if (endpoint.jsonBody() != null) {
            request.contentType(MediaType.APPLICATION_JSON).content(endpoint.jsonBody());
        }
        if (who != Who.ANONYMOUS) {
            request.with(user(users.get(who)));
        }
        var response = mvc.perform(request).andReturn().getResponse();
        assertThat(response.getStatus()).as("%s as %s", name, who).isEqualTo(endpoint.expected(who));
        if (who == Who.ANONYMOUS && endpoint.anonymous() == LOGIN) {
            assertThat(response.getRedirectedUrl()).endsWith("/login");
        }
    }
}
