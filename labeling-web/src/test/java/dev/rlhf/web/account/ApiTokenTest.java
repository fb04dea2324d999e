package dev.rlhf.web.account;

import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** Personal API tokens: made once by a signed-in researcher or admin, then sent by scripts as a bearer token. */
@PlatformTest
class ApiTokenTest extends MockMvcTest {
    static final JsonMapper JSON = JsonMapper.builder().build();


    MockHttpSession signIn(UserAccount account) throws Exception {
        MvcResult login = mvc.perform(formLogin("/login").user(account.getUsername()).password("password-" + account.getUsername()))
                .andReturn();
        assertThat(login.getResponse().getRedirectedUrl()).doesNotContain("error");
        return (MockHttpSession) login.getRequest().getSession(false);
    }

    MockHttpServletResponse make(MockHttpSession session, String body) throws Exception {
        return mvc.perform(post("/api/tokens").session(session).with(csrf()).contentType(MediaType.APPLICATION_JSON).content(body))
                .andReturn().getResponse();
    }

    String token(MockHttpSession session, String name) throws Exception {
        MockHttpServletResponse r = make(session, "{\"name\": \"" + name + "\"}");
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(201);
        return JSON.readTree(r.getContentAsString()).get("token").asString();
    }

    MockHttpServletResponse bearer(MockHttpServletRequestBuilder request, String token) throws Exception {
        return mvc.perform(request.header("Authorization", "Bearer " + token)).andReturn().getResponse();
    }

    void refused(MockHttpServletResponse r, String reason) throws Exception {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(401);
        assertThat(r.getContentType()).startsWith("application/json");
        JsonNode body = JSON.readTree(r.getContentAsString());
        assertThat(body.get("status").asInt()).isEqualTo(401);
        assertThat(body.get("field").asString()).isEqualTo("Authorization");
        assertThat(body.get("message").asString()).contains(reason);
    }

    @Test
    void aTokenIsShownOnceStoredHashedAndWorksOnTheApiWithoutSessionOrCsrf() throws Exception {
        UserAccount researcher = fixtures.user(Role.RESEARCHER);
        MockHttpSession session = signIn(researcher);
        MockHttpServletResponse made = make(session, "{\"name\": \"nightly export\", \"expiresInDays\": 7}");
        assertThat(made.getStatus()).isEqualTo(201);
        JsonNode body = JSON.readTree(made.getContentAsString());
        String token = body.get("token").asString();
        long id = body.get("id").asLong();
        assertThat(token).matches("rlhf_[A-Za-z0-9_-]{43}");
        assertThat(body.get("name").asString()).isEqualTo("nightly export");
        assertThat(Instant.parse(body.get("expiresAt").asString()))
                .isCloseTo(Instant.now().plus(Duration.ofDays(7)), within(Duration.ofMinutes(5)));

        // only the SHA-256 is kept: no column of the row holds the secret
        assertThat(fixtures.jdbc().sql("SELECT token_hash FROM api_tokens WHERE id = ?").param(id).query(byte[].class).single())
                .isEqualTo(ApiTokens.sha256(token));
        assertThat(fixtures.jdbc().sql("SELECT row_to_json(t)::text FROM api_tokens t WHERE id = ?").param(id)
                .query(String.class).single()).doesNotContain(token.substring(5));

        // no session, no CSRF token: a GET and a POST get through to the controller (the POST's empty body is a 400)
        MvcResult runs = mvc.perform(get("/api/runs").header("Authorization", "Bearer " + token)).andReturn();
        assertThat(runs.getResponse().getStatus()).isEqualTo(200);
        assertThat(runs.getRequest().getSession(false)).as("no session is made for a token").isNull();
        assertThat(bearer(post("/api/runs").contentType(MediaType.APPLICATION_JSON).content("{}"), token).getStatus())
                .isEqualTo(400);
        // the token carries the owner's role: a researcher's token is no admin
        assertThat(bearer(get("/api/accounts"), token).getStatus()).isEqualTo(403);
        // pages do not take tokens
        assertThat(bearer(get("/research"), token).getStatus()).isEqualTo(302);

        // the list shows it, without the secret
        MockHttpServletResponse list = mvc.perform(get("/api/tokens").session(session)).andReturn().getResponse();
        assertThat(list.getStatus()).isEqualTo(200);
        assertThat(list.getContentAsString()).contains("\"nightly export\"").contains("\"ACTIVE\"")
                .doesNotContain(token.substring(5)).doesNotContain("token_hash").doesNotContain("\"token\"");
        JsonNode listed = JSON.readTree(list.getContentAsString()).get(0);
        assertThat(listed.get("id").asLong()).isEqualTo(id);
        assertThat(listed.get("lastUsedAt").isNull()).as("used above").isFalse();
    }

    @Test
    void wrongMalformedRevokedAndExpiredTokensAre401WithJson() throws Exception {
        UserAccount researcher = fixtures.user(Role.RESEARCHER);
        MockHttpSession session = signIn(researcher);
        String token = token(session, "to revoke");
        String other = token(session, "to expire");

        refused(bearer(get("/api/runs"), "rlhf_" + "A".repeat(43)), "not known");
        refused(bearer(get("/api/runs"), "not-a-token"), "not an API token");
        refused(bearer(get("/api/runs"), token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A")), "not known");

        long id = JSON.readTree(mvc.perform(get("/api/tokens").session(session)).andReturn().getResponse().getContentAsString())
                .get(1).get("id").asLong();
        MockHttpServletResponse revoked = mvc.perform(delete("/api/tokens/" + id).session(session).with(csrf())).andReturn().getResponse();
        assertThat(revoked.getStatus()).isEqualTo(200);
        assertThat(JSON.readTree(revoked.getContentAsString()).get("state").asString()).isEqualTo("REVOKED");
        refused(bearer(get("/api/runs"), token), "revoked");
        assertThat(bearer(get("/api/runs"), other).getStatus()).as("the other token goes on").isEqualTo(200);

        fixtures.jdbc().sql("UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' "
                + "WHERE token_hash = ?").param(ApiTokens.sha256(other)).update();
        refused(bearer(get("/api/runs"), other), "expired");
        assertThat(mvc.perform(get("/api/tokens").session(session)).andReturn().getResponse().getContentAsString())
                .contains("\"EXPIRED\"").contains("\"REVOKED\"");
    }

    @Test
    void aTokenStopsWorkingWhileItsAccountIsDisabledOrPausedOrHasAnotherRole() throws Exception {
        UserAccount researcher = fixtures.user(Role.RESEARCHER);
        String token = token(signIn(researcher), "script");
        assertThat(bearer(get("/api/runs"), token).getStatus()).isEqualTo(200);

        fixtures.jdbc().sql("UPDATE users SET enabled = false WHERE id = ?").param(researcher.getId()).update();
        refused(bearer(get("/api/runs"), token), "disabled or paused");
        fixtures.jdbc().sql("UPDATE users SET enabled = true, paused = true WHERE id = ?").param(researcher.getId()).update();
        refused(bearer(get("/api/runs"), token), "disabled or paused");
        fixtures.jdbc().sql("UPDATE users SET paused = false, role = 'ADMIN' WHERE id = ?").param(researcher.getId()).update();
        refused(bearer(get("/api/accounts"), token), "no longer has the role");
        fixtures.jdbc().sql("UPDATE users SET role = 'RESEARCHER' WHERE id = ?").param(researcher.getId()).update();
        assertThat(bearer(get("/api/runs"), token).getStatus()).isEqualTo(200);

        UserAccount admin = fixtures.user(Role.ADMIN);
        assertThat(bearer(get("/api/accounts"), token(signIn(admin), "admin script")).getStatus())
                .as("an admin's token is an admin").isEqualTo(200);
    }

    @Test
    void labelersCannotMakeTokensAndTokensCannotMakeOrRevokeTokens() throws Exception {
        MockHttpSession labeler = signIn(fixtures.user(Role.LABELER));
        assertThat(make(labeler, "{\"name\": \"mine\"}").getStatus()).isEqualTo(403);
        assertThat(mvc.perform(get("/tokens").session(labeler)).andReturn().getResponse().getStatus()).isEqualTo(403);
        assertThat(mvc.perform(get("/api/tokens").session(labeler)).andReturn().getResponse().getStatus()).isEqualTo(403);
        assertThat(fixtures.jdbc().sql("SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.role = 'LABELER'")
                .query(Long.class).single()).isZero();

        MockHttpSession researcher = signIn(fixtures.user(Role.RESEARCHER));
        String token = token(researcher, "script");
        MockHttpServletResponse minted = bearer(post("/api/tokens").contentType(MediaType.APPLICATION_JSON).content("{\"name\": \"more\"}"), token);
        assertThat(minted.getStatus()).isEqualTo(403);
        assertThat(minted.getContentAsString()).contains("\"field\":\"Authorization\"");
        long id = JSON.readTree(mvc.perform(get("/api/tokens").session(researcher)).andReturn().getResponse().getContentAsString())
                .get(0).get("id").asLong();
        assertThat(bearer(delete("/api/tokens/" + id), token).getStatus()).isEqualTo(403);

        // nor can anyone revoke another user's token: 404, and it goes on working
        MockHttpSession stranger = signIn(fixtures.user(Role.ADMIN));
        MockHttpServletResponse notTheirs = mvc.perform(delete("/api/tokens/" + id).session(stranger).with(csrf())).andReturn().getResponse();
        assertThat(notTheirs.getStatus()).isEqualTo(404);
        assertThat(notTheirs.getContentAsString()).contains("\"field\":\"id\"");
        assertThat(bearer(get("/api/runs"), token).getStatus()).isEqualTo(200);
    }

    @Test
    void badInputNamesTheField() throws Exception {
        MockHttpSession session = signIn(fixtures.user(Role.RESEARCHER));
        String[][] cases = {
                {"{}", "name"},
                {"{\"name\": \"   \"}", "name"},
                {"{\"name\": 12}", "name"},
                {"{\"name\": \"" + "n".repeat(101) + "\"}", "name"},
                {"{\"name\": \"a\\u0000b\"}", "name"},
                {"{\"name\": \"x\", \"expiresInDays\": 0}", "expiresInDays"},
                {"{\"name\": \"x\", \"expiresInDays\": 366}", "expiresInDays"},
                {"{\"name\": \"x\", \"expiresInDays\": 2.5}", "expiresInDays"},
                {"{\"name\": \"x\", \"expiresInDays\": \"7\"}", "expiresInDays"},
                {"{\"name\": \"x\", \"role\": \"ADMIN\"}", "role"},
                {"[]", "name"},
        };
        long before = fixtures.jdbc().sql("SELECT count(*) FROM api_tokens").query(Long.class).single();
        for (String[] c : cases) {
            MockHttpServletResponse r = make(session, c[0]);
            assertThat(r.getStatus()).as(c[0]).isEqualTo(400);
            assertThat(JSON.readTree(r.getContentAsString()).get("field").asString()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(fixtures.jdbc().sql("SELECT count(*) FROM api_tokens").query(Long.class).single()).isEqualTo(before);
        MockHttpServletResponse defaults = make(session, "{\"name\": \"default expiry\"}");
        assertThat(Instant.parse(JSON.readTree(defaults.getContentAsString()).get("expiresAt").asString()))
                .isCloseTo(Instant.now().plus(Duration.ofDays(30)), within(Duration.ofMinutes(5)));
    }

    @Test
    void thePageMakesATokenShowsItOnceListsAndRevokes() throws Exception {
        MockHttpSession session = signIn(fixtures.user(Role.RESEARCHER));
        MockHttpServletResponse page = mvc.perform(get("/tokens").session(session)).andReturn().getResponse();
        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getContentAsString()).contains("id=\"token-form\"").contains("None yet.");
        assertThat(mvc.perform(get("/research").session(session)).andReturn().getResponse().getContentAsString())
                .as("linked from the researcher's nav").contains("href=\"/tokens\"");

        MockHttpServletResponse made = mvc.perform(post("/tokens").session(session).with(csrf())
                .param("name", "from the page").param("expiresInDays", "3")).andReturn().getResponse();
        assertThat(made.getStatus()).isEqualTo(200);
        Matcher m = Pattern.compile("id=\"token-secret\">(rlhf_[A-Za-z0-9_-]{43})<").matcher(made.getContentAsString());
        assertThat(m.find()).as(made.getContentAsString()).isTrue();
        String token = m.group(1);
        assertThat(made.getHeader("Cache-Control")).contains("no-store");
        assertThat(bearer(get("/api/runs"), token).getStatus()).isEqualTo(200);

        String again = mvc.perform(get("/tokens").session(session)).andReturn().getResponse().getContentAsString();
        assertThat(again).contains("from the page").contains("ACTIVE").doesNotContain(token);

        MockHttpServletResponse bad = mvc.perform(post("/tokens").session(session).with(csrf())
                .param("name", "x").param("expiresInDays", "forever")).andReturn().getResponse();
        assertThat(bad.getStatus()).isEqualTo(400);
        assertThat(bad.getContentAsString()).contains("expiresInDays");

        long id = fixtures.jdbc().sql("SELECT id FROM api_tokens WHERE token_hash = ?").param(ApiTokens.sha256(token))
                .query(Long.class).single();
        MockHttpServletResponse revoke = mvc.perform(post("/tokens/" + id + "/revoke").session(session).with(csrf()))
                .andReturn().getResponse();
        assertThat(revoke.getRedirectedUrl()).isEqualTo("/tokens");
        refused(bearer(get("/api/runs"), token), "revoked");
        assertThat(mvc.perform(get("/tokens").session(session)).andReturn().getResponse().getContentAsString()).contains("REVOKED");
    }
}
