package dev.rlhf.web.account;

import dev.rlhf.web.api.ApiError;
import dev.rlhf.web.api.ErrorPage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * Answers a refused request with 403 and says why: a missing or invalid CSRF token (field {@code _csrf},
 * header {@code X-CSRF-TOKEN}) or a role that may not open the page. API callers get JSON, browsers a page.
 */
@Component
record SecurityErrorHandler(JsonMapper json) implements AccessDeniedHandler {
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        boolean csrf = denied instanceof CsrfException;
        String field = csrf ? "_csrf" : null;
        String message = csrf
                ? "The CSRF token is missing or invalid (form field _csrf or header X-CSRF-TOKEN); reload the page and try again."
                : "Your role may not open this page.";
        response.setStatus(HttpStatus.FORBIDDEN.value());
        if (ApiRequests.MATCHER.matches(request)) {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            json.writeValue(response.getWriter(), new ApiError(HttpStatus.FORBIDDEN.value(), field, message));
        } else {
            response.setContentType("text/html");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write(ErrorPage.html(request.getContextPath(), "403 Forbidden", field, message));
        }
    }
}
