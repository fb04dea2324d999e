package dev.rlhf.web.quality;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.io.IOException;

/**
 * Keeps real work from labelers who have not passed the active qualification test: the labeling page sends them
 * to the test, the JSON API answers 403 naming the test.
 */
@Configuration(proxyBeanMethods = false)
class QualificationGate implements WebMvcConfigurer, HandlerInterceptor {
    private final QualificationTests tests;

    QualificationGate(QualificationTests tests) {
        this.tests = tests;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/labeling", "/api/labeling/next");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !(auth.getPrincipal() instanceof SignedInUser user) || user.role() != Role.LABELER) {
            return true;
        }
        var pending = tests.pendingFor(user.id());
        if (pending.isEmpty()) {
            return true;
        }
        if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write("{\"status\":403,\"field\":\"qualification\",\"message\":"
                    + "\"pass the qualification test first (/labeling/qualification)\"}");
            return false;
        }
        response.sendRedirect(request.getContextPath() + "/labeling/qualification");
        return false;
    }
}
