package dev.rlhf.web.account;

import dev.rlhf.web.api.ApiError;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * {@code Authorization: Bearer TOKEN} on {@code /api/**}: a valid token signs the request in as its owner for this
 * request only (no session, no CSRF token needed: a browser never sends this header by itself); a wrong, expired or
 * revoked token, or one whose account is disabled or paused, is answered 401 with JSON at once.
 */
final class ApiTokenFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(ApiTokenFilter.class);
    private static final String BEARER = "Bearer ";

    private final ApiTokens tokens;
    private final JsonMapper json;

    ApiTokenFilter(ApiTokens tokens, JsonMapper json) {
        this.tokens = tokens;
        this.json = json;
    }

    /** The metrics scrape, which takes tokens like the API (a Prometheus server sends one). */
    static final String PROMETHEUS = "/actuator/prometheus";

    /** An API (or metrics scrape) request that carries a bearer token (these skip the CSRF check). */
    static boolean bearerApiRequest(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && (ApiRequests.MATCHER.matches(request)
                        || request.getRequestURI().equals(request.getContextPath() + PROMETHEUS));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!bearerApiRequest(request)) {
            chain.doFilter(request, response);
            return;
        }
        String presented = request.getHeader(HttpHeaders.AUTHORIZATION).substring(BEARER.length()).strip();
        ApiTokens.Check check = tokens.check(presented);
        if (check instanceof ApiTokens.Accepted accepted) {
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(new ApiTokenAuthentication(accepted.user(), accepted.tokenId()));
            SecurityContextHolder.setContext(context);
            try {
                chain.doFilter(request, response);
            } finally {
                SecurityContextHolder.clearContext();
            }
            return;
        }
        String reason = ((ApiTokens.Refused) check).reason();
        log.info("API token refused for {} {} from {}: {}", request.getMethod(), request.getRequestURI(),
                request.getRemoteAddr(), reason);
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getWriter(), new ApiError(401, "Authorization", reason));
    }
}
