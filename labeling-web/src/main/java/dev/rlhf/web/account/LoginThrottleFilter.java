package dev.rlhf.web.account;

import dev.rlhf.web.api.ApiError;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks {@link LoginThrottle} before a sign-in ({@code POST /login}) is checked. A refused one never reaches the
 * password check: a browser (it accepts {@code text/html}) is sent back to the login page, which says how long to
 * wait; any other client gets 429 with {@code Retry-After} and a JSON sentence.
 */
final class LoginThrottleFilter extends OncePerRequestFilter {
    private final LoginThrottle throttle;
    private final JsonMapper json;

    LoginThrottleFilter(LoginThrottle throttle, JsonMapper json) {
        this.throttle = throttle;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod())
                && request.getRequestURI().equals(request.getContextPath() + "/login"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Duration> wait = throttle.admit(request.getParameter("username"), request.getRemoteAddr());
        if (wait.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        long seconds = LoginThrottle.seconds(wait.get());
        response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains("text/html")) {
            response.sendRedirect(request.getContextPath() + "/login?throttled=" + seconds);
            return;
        }
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getWriter(), new ApiError(HttpStatus.TOO_MANY_REQUESTS.value(), "username",
                "too many failed sign-ins for this account or from this address; try again in " + seconds + " s"));
    }
}
