package dev.rlhf.web.account;

import dev.rlhf.web.api.ApiProblem;
import dev.rlhf.web.api.TextInput;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Personal access tokens (V15): {@code rlhf_} and 256 random bits in base64url, stored as their SHA-256 only. A token
 * authenticates as its owner with the role the owner had when it was made, while the owner still has that role, the
 * account is enabled and not paused, and the token is neither expired nor revoked.
 */
@Service
public record ApiTokens(JdbcClient jdbc) {
    public static final String PREFIX = "rlhf_";
    public static final int DEFAULT_DAYS = 30;
    public static final int MAX_DAYS = 365;
    public static final int MAX_NAME = 100;
    static final Pattern FORMAT = Pattern.compile("rlhf_[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** last_used_at is written at most this often per token, so a busy script costs no write per request. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    public enum State { ACTIVE, EXPIRED, REVOKED }

    /** A token as its owner sees it in a list: never the secret. */
    public record Token(long id, String name, String role, Instant createdAt, Instant expiresAt, Instant lastUsedAt,
                        Instant revokedAt, State state) {
    }

    /** A token just made: the secret, shown this once. */
    public record Created(long id, String name, String token, Instant createdAt, Instant expiresAt) {
    }

    /** Makes a token for {@code owner}; {@code expiresInDays} null means {@value #DEFAULT_DAYS}. */
    public Created create(SignedInUser owner, String name, Integer expiresInDays) {
        if (owner.role() == Role.LABELER) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, null, "Labelers cannot make API tokens.");
        }
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty()) throw ApiProblem.badField("name", "'name' is required (what the token is for)");
        if (trimmed.length() > MAX_NAME) {
            throw ApiProblem.badField("name", "'name' is longer than " + MAX_NAME + " characters");
        }
        String textProblem = TextInput.problem(trimmed);
        if (textProblem != null) throw ApiProblem.badField("name", "'name' " + textProblem);
        int days = expiresInDays == null ? DEFAULT_DAYS : expiresInDays;
        if (days < 1 || days > MAX_DAYS) {
            throw ApiProblem.badField("expiresInDays", "'expiresInDays' must be from 1 to " + MAX_DAYS);
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return jdbc.sql("""
                        INSERT INTO api_tokens (user_id, name, role, token_hash, expires_at)
                        VALUES (:user, :name, :role, :hash, now() + make_interval(days => :days))
                        RETURNING id, name, created_at, expires_at""")
                .param("user", owner.id()).param("name", trimmed).param("role", owner.role().name())
                .param("hash", sha256(token)).param("days", days)
                .query((rs, i) -> new Created(rs.getLong("id"), rs.getString("name"), token,
                        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant()))
                .single();
    }

    public List<Token> of(long ownerId) {
        return jdbc.sql(SELECT + " WHERE user_id = :user ORDER BY created_at DESC, id DESC").param("user", ownerId)
                .query((rs, i) -> token(rs)).list();
    }

    /** Revokes the owner's token (again is the same); another user's or a missing token is 404. */
    public Token revoke(long ownerId, long tokenId) {
        jdbc.sql("UPDATE api_tokens SET revoked_at = now() WHERE id = :id AND user_id = :user AND revoked_at IS NULL")
                .param("id", tokenId).param("user", ownerId).update();
        return jdbc.sql(SELECT + " WHERE id = :id AND user_id = :user").param("id", tokenId).param("user", ownerId)
                .query((rs, i) -> token(rs)).optional()
                .orElseThrow(() -> ApiProblem.notFound("id", "you have no API token " + tokenId));
    }

    /** Who a presented token signs in as, or why it does not. */
    public sealed interface Check permits Accepted, Refused {
    }

    public record Accepted(SignedInUser user, long tokenId) implements Check {
    }

    public record Refused(String reason) implements Check {
    }

    public Check check(String presented) {
        if (presented == null || !FORMAT.matcher(presented).matches()) {
            return new Refused("The bearer token is not an API token of this platform (rlhf_ and 43 characters).");
        }
        Optional<Row> found = jdbc.sql("""
                        SELECT t.id, t.role AS token_role, t.expires_at, t.revoked_at, t.last_used_at, u.id AS user_id,
                               u.username, u.password_hash, u.role, u.enabled, u.paused, u.session_generation, now() AS now
                        FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = :hash""")
                .param("hash", sha256(presented))
                .query((rs, i) -> new Row(rs.getLong("id"), rs.getString("token_role"), rs.getTimestamp("expires_at").toInstant(),
                        instant(rs.getTimestamp("revoked_at")), instant(rs.getTimestamp("last_used_at")),
                        rs.getTimestamp("now").toInstant(), new SignedInUser(rs.getLong("user_id"), rs.getString("username"),
                        rs.getString("password_hash"), Role.valueOf(rs.getString("role")), rs.getBoolean("enabled"),
                        rs.getInt("session_generation")), rs.getBoolean("paused")))
                .optional();
        if (found.isEmpty()) return new Refused("The API token is not known.");
        Row row = found.get();
        if (row.revokedAt() != null) return new Refused("The API token was revoked.");
        if (!row.expiresAt().isAfter(row.now())) return new Refused("The API token expired at " + row.expiresAt() + ".");
        if (!row.owner().enabled() || row.paused()) return new Refused("The API token's account is disabled or paused.");
        if (!row.owner().role().name().equals(row.tokenRole())) {
            return new Refused("The API token's account no longer has the role the token was made with.");
        }
        if (row.lastUsedAt() == null || row.lastUsedAt().isBefore(row.now().minus(LAST_USED_RESOLUTION))) {
            jdbc.sql("UPDATE api_tokens SET last_used_at = now() WHERE id = :id").param("id", row.id()).update();
        }
        return new Accepted(row.owner(), row.id());
    }

    private record Row(long id, String tokenRole, Instant expiresAt, Instant revokedAt, Instant lastUsedAt, Instant now,
                       SignedInUser owner, boolean paused) {
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String SELECT = "SELECT id, name, role, created_at, expires_at, last_used_at, revoked_at, now() AS now FROM api_tokens";

    private static Token token(java.sql.ResultSet rs) throws java.sql.SQLException {
        Instant now = rs.getTimestamp("now").toInstant();
        Instant expires = rs.getTimestamp("expires_at").toInstant();
        Instant revoked = instant(rs.getTimestamp("revoked_at"));
        State state = revoked != null ? State.REVOKED : expires.isAfter(now) ? State.ACTIVE : State.EXPIRED;
        return new Token(rs.getLong("id"), rs.getString("name"), rs.getString("role"),
                rs.getTimestamp("created_at").toInstant(), expires, instant(rs.getTimestamp("last_used_at")), revoked, state);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
