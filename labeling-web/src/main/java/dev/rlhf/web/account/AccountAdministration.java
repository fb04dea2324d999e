package dev.rlhf.web.account;

import dev.rlhf.web.api.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.security.SecureRandom;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What an admin does to accounts: create, disable/enable, change the role, reset a password (a new random one, shown
 * once), pause/resume a labeler (a paused labeler gets no new work). Only admins reach this (see the role matrix);
 * no one can change their own role, and imported workers (disabled, no password) cannot be enabled. Disabling,
 * pausing, a role change and a password reset end every session of the account at once (V12, {@link SessionCheck}).
 */
@Service
public class AccountAdministration {
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");
    /** The namespace of imported workers (user names and, where needed, pseudonyms), never a login account's. */
    static final String IMPORTED_PREFIX = "imported:";
    static final int MIN_PASSWORD = 10;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final JdbcClient jdbc;
    private final AccountService accounts;
    private final PasswordEncoder passwords;

    AccountAdministration(JdbcClient jdbc, AccountService accounts, PasswordEncoder passwords) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.passwords = passwords;
    }

    public record Account(long id, String username, Role role, String pseudonym, boolean enabled, boolean paused,
                          boolean imported) {
    }

    public List<Account> all() {
        return jdbc.sql("SELECT id, username, role, pseudonym, enabled, paused, imported FROM users ORDER BY role, username")
                .query((rs, n) -> new Account(rs.getLong("id"), rs.getString("username"), Role.valueOf(rs.getString("role")),
                        rs.getString("pseudonym"), rs.getBoolean("enabled"), rs.getBoolean("paused"),
                        rs.getBoolean("imported")))
                .list();
    }

    @Transactional
    public Account create(String username, String password, Role role, String pseudonym) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw ApiProblem.badField("username", "username must be 2-64 lower-case letters, digits, '.', '_' or '-'");
        }
        if (role == null) {
            throw ApiProblem.badField("role", "role is required: LABELER, RESEARCHER or ADMIN");
        }
        if (password == null || password.length() < MIN_PASSWORD) {
            throw ApiProblem.badField("password", "password must have at least " + MIN_PASSWORD + " characters");
        }
        String alias = pseudonym == null || pseudonym.isBlank() ? username : pseudonym.strip();
        if (alias.length() > 64) {
            throw ApiProblem.badField("pseudonym", "pseudonym is longer than 64 characters");
        }
        if (alias.startsWith(IMPORTED_PREFIX)) {
            throw ApiProblem.badField("pseudonym", "pseudonyms starting with '" + IMPORTED_PREFIX
                    + "' belong to imported workers");
        }
        if (jdbc.sql("SELECT count(*) FROM users WHERE username = ?").param(username).query(Long.class).single() > 0) {
            throw ApiProblem.conflict("username", "username '" + username + "' is taken");
        }
        if (jdbc.sql("SELECT count(*) FROM users WHERE pseudonym = ?").param(alias).query(Long.class).single() > 0) {
            throw ApiProblem.conflict("pseudonym", "pseudonym '" + alias + "' is taken");
        }
        return find(accounts.create(username, password, role, alias).getId());
    }

    public Account find(long id) {
        return all().stream().filter(a -> a.id() == id).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("id", "there is no user " + id));
    }

    @Transactional
    public Account setEnabled(long id, boolean enabled, long actingAdmin) {
        Account account = find(id);
        if (account.imported() && enabled) {
            throw ApiProblem.conflict("enabled", "an imported worker has no password and cannot be enabled");
        }
        if (id == actingAdmin && !enabled) {
            throw ApiProblem.conflict("id", "you cannot disable your own account");
        }
        jdbc.sql("UPDATE users SET enabled = ? WHERE id = ?").params(enabled, id).update();
        return find(id);
    }

    @Transactional
    public Account setPaused(long id, boolean paused) {
        Account account = find(id);
        if (account.role() != Role.LABELER) {
            throw ApiProblem.badField("id", "only labelers can be paused");
        }
        jdbc.sql("UPDATE users SET paused = ? WHERE id = ?").params(paused, id).update();
        if (paused) {
            // hand back the work they hold now, so the pause takes effect at once
            releaseAssignments(id);
        }
        return find(id);
    }

    @Transactional
    public Account setRole(long id, Role role, long actingAdmin) {
        if (role == null) {
            throw ApiProblem.badField("value", "role is required: LABELER, RESEARCHER or ADMIN");
        }
        Account account = find(id);
        if (id == actingAdmin) {
            throw ApiProblem.conflict("id", "you cannot change your own role");
        }
        if (account.imported()) {
            throw ApiProblem.conflict("id", "an imported worker stays a labeler");
        }
        jdbc.sql("UPDATE users SET role = ? WHERE id = ?").params(role.name(), id).update();
        if (role != Role.LABELER) {
            releaseAssignments(id);
        }
        return find(id);
    }

    /** Gives the slot of the assignment the user holds back to its comparison. */
    private void releaseAssignments(long id) {
        jdbc.sql("""
                WITH expired AS (
                    UPDATE assignments SET state = 'EXPIRED' WHERE labeler_id = ? AND state = 'ACTIVE'
                    RETURNING comparison_id)
                UPDATE comparisons SET open_slots = open_slots + 1 WHERE id IN (SELECT comparison_id FROM expired)""")
                .param(id).update();
    }

    /** Sets a new random password and returns it (shown to the admin once, never stored in clear). */
    @Transactional
    public String resetPassword(long id) {
        Account account = find(id);
        if (account.imported()) {
            throw ApiProblem.conflict("id", "an imported worker cannot sign in");
        }
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        jdbc.sql("UPDATE users SET password_hash = ? WHERE id = ?").params(passwords.encode(password), id).update();
        return password.toString();
    }

    static ApiProblem forbidden(String message) {
        return new ApiProblem(HttpStatus.FORBIDDEN, "role", message);
    }
}
