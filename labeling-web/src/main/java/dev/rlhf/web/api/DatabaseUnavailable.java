package dev.rlhf.web.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * While the database cannot be reached (restarting after a crash, network down), a request fails cleanly: 503 with
 * {@code Retry-After} and JSON ({@code /api/**}) or a short page, instead of a 500 or a hang. The connection pool waits
 * at most {@code spring.datasource.hikari.connection-timeout} for a connection. This filter runs before security,
 * so the per-request account check and token check are covered too. Each statement commits as a whole, so a request
 * that failed so stored all or nothing; a retry with the same idempotency key stores at most one label.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class DatabaseUnavailable {
    static final String MESSAGE = "The database is not reachable at the moment (it may be restarting); try again in a "
            + "few seconds. A retry with the same idempotency key stores at most one label.";
    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailable.class);

    @Bean
    FilterRegistrationBean<Filter> databaseUnavailableFilter(JsonMapper json) {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(new Filter(json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20); // before Spring Security (-100)
        registration.addUrlPatterns("/*");
        return registration;
    }

    /** Whether {@code failure} (or a cause) says the database could not be reached or went away mid-request. */
    public static boolean isDatabaseUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof DataAccessResourceFailureException
                    || t instanceof CannotCreateTransactionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception; 57P01-03: the server is shutting down, crashed, or not yet accepting
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
            if (t.getCause() == t) break;
        }
        return false;
    }

    static final class Filter extends OncePerRequestFilter {
        private final JsonMapper json;
        private final AtomicLong refused = new AtomicLong();

        Filter(JsonMapper json) {
            this.json = json;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            try {
                chain.doFilter(request, response);
            } catch (ServletException | IOException | RuntimeException e) {
                if (!isDatabaseUnavailable(e) || response.isCommitted()) throw e;
                long n = refused.incrementAndGet();
                if (n == 1 || n % 100 == 0) {
                    log.warn("database unavailable: {} {} answered 503 ({} so far): {}", request.getMethod(),
                            request.getRequestURI(), n, rootMessage(e));
                }
                response.resetBuffer();
                response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
                response.setHeader("Retry-After", "2");
                response.setCharacterEncoding("UTF-8");
                if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
                    response.setContentType("application/json");
                    json.writeValue(response.getWriter(), new ApiError(503, null, MESSAGE));
                } else {
                    response.setContentType("text/html");
                    response.getWriter().write(ErrorPage.html(request.getContextPath(), "503 Service Unavailable", null, MESSAGE));
                }
            }
        }

        private static String rootMessage(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            return root.getClass().getSimpleName() + ": " + root.getMessage();
        }
    }
}
