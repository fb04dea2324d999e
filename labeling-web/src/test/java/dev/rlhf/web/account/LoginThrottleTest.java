package dev.rlhf.web.account;

import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Sign-ins are throttled per account and per address with growing delays: after the free failures the right password
 * is refused until the delay has passed (429 with Retry-After for a script, a message on the login page for a
 * browser), an account's delay never exceeds a minute, another address is not held back by a guessing one, and the
 * events are logged. Each test signs in from its own loopback address; "time passing" is the block moved into the past.
 */
@PlatformTest
@ExtendWith(OutputCaptureExtension.class)
class LoginThrottleTest extends MockMvcTest {
    private static final AtomicInteger ADDRESS = new AtomicInteger(20);


    final List<String> keys = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void forget() {
        fixtures.jdbc().sql("DELETE FROM login_throttle WHERE key = ANY(?)").param(keys.toArray(String[]::new)).update();
    }

    private String address() {
        String address = "127.0.0." + ADDRESS.incrementAndGet();
        keys.add(LoginThrottle.addressKey(address));
        return address;
    }

    private static RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }

    private MockHttpServletResponse signIn(String username, String password, String address, MediaType accept)
            throws Exception {
        keys.add(LoginThrottle.accountKey(username));
        return mvc.perform(post("/login").param("username", username).param("password", password).accept(accept)
                .with(csrf()).with(from(address))).andReturn().getResponse();
    }

    private MockHttpServletResponse signIn(String username, String password, String address) throws Exception {
        return signIn(username, password, address, MediaType.APPLICATION_JSON);
    }

    /** As if the current delay had passed. */
    private void later() {
        fixtures.jdbc().sql("UPDATE login_throttle SET blocked_until = now() - interval '1 second' WHERE key = ANY(?)")
                .param(keys.toArray(String[]::new)).update();
    }

    @Test
    void afterTheFreeFailuresTheRightPasswordWaitsForAGrowingDelay(CapturedOutput output) throws Exception {
        UserAccount account = fixtures.user(Role.LABELER);
        String name = account.getUsername();
        String password = "password-" + name;
        String address = address();
        for (int i = 0; i < LoginThrottle.ACCOUNT_FREE; i++) {
            assertThat(signIn(name, "wrong", address).getRedirectedUrl()).isEqualTo("/login?error");
        }
        // the next attempt is admitted (and fails); the right password right after it is refused unchecked
        assertThat(signIn(name, "wrong", address).getRedirectedUrl()).isEqualTo("/login?error");
        MockHttpServletResponse refused = signIn(name, password, address);
        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getContentAsString()).contains("\"field\":\"username\"").contains("too many failed sign-ins");

        // every further failure doubles the delay, up to a minute
        List<String> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            later();
            assertThat(signIn(name, "wrong", address).getRedirectedUrl()).isEqualTo("/login?error");
            delays.add(signIn(name, password, address).getHeader("Retry-After"));
        }
        assertThat(delays).containsExactly("2", "4", "8", "16", "32", "60", "60", "60");

        // once the delay has passed the right password signs in, and the account's count starts again
        later();
        MockHttpServletResponse signedIn = signIn(name, password, address);
        assertThat(signedIn.getRedirectedUrl()).isEqualTo("/");
        assertThat(fixtures.jdbc().sql("SELECT count(*) FROM login_throttle WHERE key = ?")
                .param(LoginThrottle.accountKey(name)).query(Long.class).single()).isZero();
        assertThat(output.getOut()).contains("sign-in failed for account '" + name + "' from " + address)
                .contains("sign-in refused for account '" + name + "' from " + address)
                .contains("signed in after failed sign-ins: account '" + name + "'");
    }

    @Test
    void aBrowserIsToldOnTheLoginPageHowLongToWait() throws Exception {
        UserAccount account = fixtures.user(Role.LABELER);
        String address = address();
        for (int i = 0; i <= LoginThrottle.ACCOUNT_FREE; i++) {
            signIn(account.getUsername(), "wrong", address, MediaType.TEXT_HTML);
        }
        MockHttpServletResponse refused = signIn(account.getUsername(), "password-" + account.getUsername(), address,
                MediaType.TEXT_HTML);
        assertThat(refused.getRedirectedUrl()).isEqualTo("/login?throttled=1");
        String page = mvc.perform(get("/login").param("throttled", "1")).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("Too many failed sign-ins for this account or from this")
                .contains("Wait <strong>1</strong> seconds");
    }

    @Test
    void aGuessingAddressIsBlockedForEveryAccountButHoldsNoOneElseBack() throws Exception {
        UserAccount account = fixtures.user(Role.RESEARCHER);
        String password = "password-" + account.getUsername();
        String guessing = address();
        for (int i = 0; i < LoginThrottle.ADDRESS_FREE; i++) {
            signIn("nobody-" + i + "-" + System.nanoTime(), "wrong", guessing);
        }
        signIn("nobody-else-" + System.nanoTime(), "wrong", guessing);
        MockHttpServletResponse refused = signIn(account.getUsername(), password, guessing);
        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(signIn(account.getUsername(), password, address()).getRedirectedUrl()).isEqualTo("/");
    }

    @Test
    void parallelGuessesShareOneAttemptPerDelay() throws Exception {
        UserAccount account = fixtures.user(Role.LABELER);
        String name = account.getUsername();
        String address = address();
        for (int i = 0; i < LoginThrottle.ACCOUNT_FREE; i++) {
            signIn(name, "wrong", address);
        }
        // many failures already: the next admitted guess blocks the account for the full minute
        fixtures.jdbc().sql("UPDATE login_throttle SET failures = 30 WHERE key = ?").param(LoginThrottle.accountKey(name))
                .update();
        // eight guesses at once: one is checked, the others are refused unchecked
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Integer>> guesses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            guesses.add(pool.submit(() -> {
                start.await();
                return signIn(name, "wrong", address).getStatus();
            }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (java.util.concurrent.Future<Integer> guess : guesses) {
            statuses.add(guess.get());
        }
        pool.shutdown();
        assertThat(statuses).hasSize(8);
        assertThat(statuses.stream().filter(s -> s == 302).count()).as("checked").isEqualTo(1);
        assertThat(statuses.stream().filter(s -> s == 429).count()).as("refused unchecked").isEqualTo(7);
    }
}
