package dev.rlhf.web.account;

import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Real sessions (signed in through the login form): disabling, pausing, a role change and a password reset end every
 * session of the account at its next request (API 401, pages to the login page, nothing stored), while the sessions of
 * other accounts go on and the account's next sign-in works as the account now is.
 */
@PlatformTest
class SessionsEndTest extends MockMvcTest {
    private MockHttpSession signIn(UserAccount account) throws Exception {
        return signIn(account.getUsername(), "password-" + account.getUsername());
    }

    private MockHttpSession signIn(String username, String password) throws Exception {
        MvcResult login = mvc.perform(formLogin("/login").user(username).password(password)).andReturn();
        assertThat(login.getResponse().getRedirectedUrl()).as("signed in").doesNotContain("error");
        return (MockHttpSession) login.getRequest().getSession(false);
    }

    private int stats(MockHttpSession session) throws Exception {
        return mvc.perform(get("/api/labeling/stats").session(session)).andReturn().getResponse().getStatus();
    }

    /** A session of an admin account made for the test. */
    private MockHttpSession newAdminSession() throws Exception {
        return signIn(fixtures.user(Role.ADMIN));
    }

    /** Posts {@code body} to the accounts API's {@code setting} (enabled, paused, role) of {@code account}: the status. */
    private int change(MockHttpSession session, UserAccount account, String setting, String body) throws Exception {
        return mvc.perform(post("/api/accounts/" + account.getId() + "/" + setting).session(session).with(csrf())
                .contentType(MediaType.APPLICATION_JSON).content(body)).andReturn().getResponse().getStatus();
    }

    /** Signs {@code account} in, then an admin changes its {@code setting} to {@code body}: the session from before. */
    private MockHttpSession signedInThenChanged(UserAccount account, String setting, String body) throws Exception {
        MockHttpSession session = signIn(account);
        assertThat(change(newAdminSession(), account, setting, body)).isEqualTo(200);
        return session;
    }

    @Test
    void disablingEndsTheSessionAndNothingMoreIsStored() throws Exception {
        fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, true, 2);
        UserAccount labeler = fixtures.user(Role.LABELER);
        UserAccount colleague = fixtures.user(Role.LABELER);
        MockHttpSession session = signIn(labeler);
        MockHttpSession colleagues = signIn(colleague);
        MockHttpSession admin = newAdminSession();
        long held = fixtures.heldAssignment(labeler.getId());
        assertThat(stats(session)).isEqualTo(200);

        assertThat(change(admin, labeler, "enabled", "{\"value\":false}")).isEqualTo(200);

        long labelsBefore = fixtures.labelCount();
        assertThat(mvc.perform(post("/api/labeling/labels-and-next").session(session).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"assignmentId\":" + held + ",\"idempotencyKey\":\"" + UUID.randomUUID() + "\",\"confidence\":2}"))
                .andReturn().getResponse().getStatus()).isEqualTo(401);
        assertThat(fixtures.labelCount()).as("nothing stored").isEqualTo(labelsBefore);
        assertThat(session.isInvalid()).isTrue();
        assertThat(stats(colleagues)).as("another account's session goes on").isEqualTo(200);
    }

    @Test
    void aDisabledAdminCannotEnableItselfThroughItsOldSession() throws Exception {
        UserAccount disabled = fixtures.user(Role.ADMIN);
        MockHttpSession old = signIn(disabled);
        MockHttpSession other = newAdminSession();
        assertThat(change(other, disabled, "enabled", "{\"value\":false}")).isEqualTo(200);

        assertThat(change(old, disabled, "enabled", "{\"value\":true}")).isEqualTo(401);
        assertThat(fixtures.jdbc().sql("SELECT enabled FROM users WHERE id = ?").param(disabled.getId())
                .query(Boolean.class).single()).isFalse();
        // a page request of the ended session goes to the login page
        MockHttpSession again = newAdminSession();
        assertThat(change(again, disabled, "enabled", "{\"value\":true}")).isEqualTo(200);
        assertThat(mvc.perform(get("/admin").session(old)).andReturn().getResponse().getRedirectedUrl()).endsWith("/login");
    }

    @Test
    void pausingEndsTheSessionAndTheLabelerMaySignInAgain() throws Exception {
        UserAccount labeler = fixtures.user(Role.LABELER);
        MockHttpSession session = signedInThenChanged(labeler, "paused", "{\"value\":true}");

        assertThat(stats(session)).isEqualTo(401);
        assertThat(mvc.perform(get("/labeling").session(signIn(labeler))).andReturn().getResponse().getStatus())
                .as("a paused labeler signs in again and sees that there is no work").isEqualTo(200);
    }

    @Test
    void aRoleChangeEndsTheSessionAndTheNextSignInHasTheNewRole() throws Exception {
        UserAccount labeler = fixtures.user(Role.LABELER);
        MockHttpSession session = signedInThenChanged(labeler, "role", "{\"value\":\"RESEARCHER\"}");

        assertThat(stats(session)).as("neither the old role's 200 nor the new role's 403").isEqualTo(401);
        MockHttpSession researcher = signIn(labeler);
        assertThat(stats(researcher)).isEqualTo(403);
        assertThat(mvc.perform(get("/research").session(researcher)).andReturn().getResponse().getStatus()).isEqualTo(200);
    }

    @Test
    void aPasswordResetEndsTheSessionAndTheNewPasswordSignsIn() throws Exception {
        UserAccount labeler = fixtures.user(Role.LABELER);
        MockHttpSession session = signIn(labeler);
        MockHttpSession admin = newAdminSession();
        String body = mvc.perform(post("/api/accounts/" + labeler.getId() + "/password").session(admin).with(csrf()))
                .andReturn().getResponse().getContentAsString();
        String password = JsonMapper.builder().build().readTree(body).get("password").asString();

        assertThat(stats(session)).isEqualTo(401);
        assertThat(stats(signIn(labeler.getUsername(), password))).isEqualTo(200);
    }

    @Test
    void noOneChangesTheirOwnRoleAndAnImportedWorkerStaysALabeler() throws Exception {
        UserAccount adminAccount = fixtures.user(Role.ADMIN);
        MockHttpSession admin = signIn(adminAccount);
        assertThat(change(admin, adminAccount, "role", "{\"value\":\"LABELER\"}")).isEqualTo(409);
        assertThat(change(admin, adminAccount, "role", "{}")).isEqualTo(400);
        assertThat(stats(admin)).as("a refused change ends nothing").isEqualTo(403);
    }
}
