package dev.rlhf.web.account;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Ends a session whose account changed after sign-in. Every request of a signed-in user checks, by primary key, that
 * the account is still enabled and still at the session generation it had at sign-in (V12 moves the generation on
 * when the account is disabled, paused, given another role or a new password). A stale session is invalidated and
 * the request goes on as anonymous: the API answers 401, a page sends the browser to the login page. One check per
 * request, so every session of the account, on every replica, ends at its next request.
 */
final class SessionCheck extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(SessionCheck.class);

    private final JdbcClient jdbc;

    SessionCheck(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof SignedInUser user && !current(user)) {
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            SecurityContextHolder.clearContext();
            log.info("session of {} (user {}) ended: the account was disabled, paused, given another role or a new "
                    + "password after sign-in", user.username(), user.id());
        }
        chain.doFilter(request, response);
    }

    private boolean current(SignedInUser user) {
        return jdbc.sql("SELECT count(*) FROM users WHERE id = ? AND enabled AND session_generation = ?")
                .params(user.id(), user.sessionGeneration()).query(Long.class).single() > 0;
    }
}
