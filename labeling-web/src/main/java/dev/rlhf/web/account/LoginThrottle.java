package dev.rlhf.web.account;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Throttles sign-ins per account and per address (table {@code login_throttle}, V14, shared by every application
 * instance). The first failures of a key are free ({@link #ACCOUNT_FREE} for an account, {@link #ADDRESS_FREE} for an
 * address, which may be an office behind one router); after that a key admits one sign-in per delay: an admitted
 * attempt blocks the key for 1, 2, 4, … seconds (doubling with every failure, capped at {@link #ACCOUNT_CAP} for an
 * account and {@link #ADDRESS_CAP} for an address), and attempts while it is blocked are refused without checking the
 * password. Taking that slot is one conditional update, so parallel guesses get one attempt between them, not one
 * each. The account's cap is short: whoever is guessing, the real user waits at most a minute for their next
 * attempt. Counts start again after an hour without failures; a sign-in clears its account's count (not its
 * address's: one known password must not reset a guessing address). Every failure and refusal is logged.
 */
@Component
public record LoginThrottle(JdbcClient jdbc) {
    static final int ACCOUNT_FREE = 5;
    static final int ADDRESS_FREE = 20;
    static final Duration ACCOUNT_CAP = Duration.ofMinutes(1);
    static final Duration ADDRESS_CAP = Duration.ofMinutes(15);
    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

    static String accountKey(String username) {
        String name = printable(username).strip().toLowerCase(Locale.ROOT);
        return "account:" + (name.length() > 100 ? name.substring(0, 100) : name);
    }

    static String addressKey(String address) {
        return "address:" + printable(address);
    }

    /**
     * Admits a sign-in attempt (empty), taking the key's slot where it is past its free failures, or says how long
     * the account or the address is still blocked.
     */
    public Optional<Duration> admit(String username, String address) {
        Optional<Duration> wait = take(addressKey(address), ADDRESS_FREE, ADDRESS_CAP);
        if (wait.isEmpty()) {
            wait = take(accountKey(username), ACCOUNT_FREE, ACCOUNT_CAP);
        }
        wait.ifPresent(d -> log.warn("sign-in refused for account '{}' from {}: too many failed sign-ins, blocked for {} s",
                printable(username), printable(address), seconds(d)));
        return wait;
    }

    /** Counts a failed sign-in against the account and the address. */
    public void failed(String username, String address) {
        jdbc.sql("DELETE FROM login_throttle WHERE last_failure_at < now() - interval '1 day'").update();
        int account = count(accountKey(username));
        int from = count(addressKey(address));
        log.warn("sign-in failed for account '{}' from {} ({} failures for the account, {} from the address)",
                printable(username), printable(address), account, from);
    }

    /** A sign-in succeeded: the account's count starts again. */
    public void succeeded(String username, String address) {
        if (jdbc.sql("DELETE FROM login_throttle WHERE key = ?").param(accountKey(username)).update() > 0) {
            log.info("signed in after failed sign-ins: account '{}' from {}", printable(username), printable(address));
        }
    }

    /** Whole seconds to wait, at least 1 (what {@code Retry-After} says). */
    static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    /** Takes the key's slot if it needs one and it is free; otherwise says how long it is blocked. */
    private Optional<Duration> take(String key, int free, Duration cap) {
        boolean taken = jdbc.sql("""
                        UPDATE login_throttle
                        SET blocked_until = now() + make_interval(secs => least(:cap, power(2, failures - :free)))
                        WHERE key = :key AND failures >= :free AND (blocked_until IS NULL OR blocked_until <= now())""")
                .param("key", key).param("free", free).param("cap", (double) cap.toSeconds()).update() > 0;
        if (taken) {
            return Optional.empty();
        }
        // no slot needed (few failures), or someone else holds it (read again: it may have been taken meanwhile)
        Double seconds = jdbc.sql("""
                        SELECT extract(epoch FROM blocked_until - now()) FROM login_throttle
                        WHERE key = ? AND failures >= ? AND blocked_until > now()""")
                .params(key, free).query(Double.class).optional().orElse(null);
        return seconds == null ? Optional.empty() : Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
    }

    /** Adds one failure to the key; a fresh count after an hour without failures. */
    private int count(String key) {
        return jdbc.sql("""
                        INSERT INTO login_throttle AS t (key, failures, last_failure_at) VALUES (?, 1, now())
                        ON CONFLICT (key) DO UPDATE SET
                            failures = CASE WHEN t.last_failure_at < now() - interval '1 hour' THEN 1 ELSE t.failures + 1 END,
                            last_failure_at = now()
                        RETURNING failures""")
                .param(key).query(Integer.class).single();
    }

    private static String printable(String text) {
        return text == null ? "" : text.replaceAll("[^\\p{Graph} ]", "?");
    }
}
