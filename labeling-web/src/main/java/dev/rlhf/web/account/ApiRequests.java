package dev.rlhf.web.account;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.util.matcher.RequestMatcher;

/** Requests to the JSON API ({@code /api/**}): answered with status codes and JSON, never redirects or pages. */
final class ApiRequests implements RequestMatcher {
    static final ApiRequests MATCHER = new ApiRequests();

    private ApiRequests() {
    }

    @Override
    public boolean matches(HttpServletRequest request) {
        return request.getRequestURI().startsWith(request.getContextPath() + "/api/");
    }
}
