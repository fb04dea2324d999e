package dev.rlhf.web.account;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcherEntry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Form login with sessions (BCrypt runs once per login, never per request), CSRF on for forms and the
 * JSON API (header {@code X-CSRF-TOKEN}); scripts may instead send a personal API token
 * ({@code Authorization: Bearer}, {@link ApiTokenFilter}) to {@code /api/**}, without a session or a CSRF token. The role matrix lives here and in {@code RoleMatrixTest}. A session ends
 * as soon as its account is disabled, paused, given another role or a new password ({@link SessionCheck}); failed
 * sign-ins are throttled per account and per address ({@link LoginThrottle}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    @ConditionalOnWebApplication // the import/export command line starts the application without a web server
    SecurityFilterChain securityFilterChain(HttpSecurity http, SecurityErrorHandler errors, JdbcClient jdbc,
                                            LoginThrottle throttle, ApiTokens tokens, JsonMapper json) throws Exception {
        var signedIn = new SavedRequestAwareAuthenticationSuccessHandler();
        signedIn.setDefaultTargetUrl("/");
        var wrongPassword = new SimpleUrlAuthenticationFailureHandler("/login?error");
        http
                // filters of this chain only (not beans, which the servlet container would run a second time)
                .addFilterAfter(new SessionCheck(jdbc), SecurityContextHolderFilter.class)
                .addFilterAfter(new ApiTokenFilter(tokens, json), SessionCheck.class)
                // a bearer token is sent by a script, never by a browser on its own: no CSRF token needed with it
                .csrf(csrf -> csrf.ignoringRequestMatchers(ApiTokenFilter::bearerApiRequest))
                .addFilterBefore(new LoginThrottleFilter(throttle, json), UsernamePasswordAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/login", "/css/**", "/js/**", "/webjars/uplot/**", "/favicon.ico", "/error").permitAll()
                        // operations: the health check is anyone's (details only for admins, see application.properties);
                        // the metrics scrape is for admins (session or token) and for researchers' API tokens;
                        // no other actuator endpoint is exposed
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers(ApiTokenFilter.PROMETHEUS).access((authentication, context) ->
                                new AuthorizationDecision(prometheusAllowed(authentication.get())))
                        .requestMatchers("/actuator", "/actuator/**").denyAll()
                        .requestMatchers("/labeling/**", "/api/labeling/**").hasRole(Role.LABELER.name())
                        // data: imports, accounts, qualification tests and gold are the admin's; batches are read by
                        // researchers and changed by admins; exports, labels and quality figures are for both
                        .requestMatchers("/api/imports/**", "/api/accounts/**", "/api/gold/**").hasRole(Role.ADMIN.name())
                        .requestMatchers(HttpMethod.POST, "/api/batches/**", "/api/qualification-tests/**").hasRole(Role.ADMIN.name())
                        .requestMatchers("/api/batches/**", "/api/exports/**", "/api/labels/**", "/api/quality/**",
                                "/api/qualification-tests/**").hasAnyRole(Role.RESEARCHER.name(), Role.ADMIN.name())
                        .requestMatchers("/api/runs/**", "/api/snapshots/**", "/api/evaluations/**", "/api/models/**").hasAnyRole(Role.RESEARCHER.name(), Role.ADMIN.name())
                        // the API's documentation is for the people who script against it
                        .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html")
                        .hasAnyRole(Role.RESEARCHER.name(), Role.ADMIN.name())
                        // personal API tokens: researchers and admins, each their own
                        .requestMatchers("/api/tokens/**", "/tokens/**").hasAnyRole(Role.RESEARCHER.name(), Role.ADMIN.name())
                        .requestMatchers("/research/**").hasAnyRole(Role.RESEARCHER.name(), Role.ADMIN.name())
                        .requestMatchers("/admin/**").hasRole(Role.ADMIN.name())
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").permitAll()
                        .successHandler((request, response, authentication) -> {
                            throttle.succeeded(authentication.getName(), request.getRemoteAddr());
                            signedIn.onAuthenticationSuccess(request, response, authentication);
                        })
                        .failureHandler((request, response, failure) -> {
                            throttle.failed(request.getParameter("username"), request.getRemoteAddr());
                            wrongPassword.onAuthenticationFailure(request, response, failure);
                        }))
                .logout(logout -> logout.logoutSuccessUrl("/login?logout").permitAll())
                .exceptionHandling(ex -> ex
                        .authenticationEntryPoint(signInFirst(ApiRequests.MATCHER))
                        .accessDeniedHandler(errors));
        return http.build();
    }

    /** Admins, signed in or by token; researchers by API token only (a Prometheus server's credential). */
    static boolean prometheusAllowed(Authentication authentication) {
        if (authentication == null || !authentication.isAuthenticated()) {
            return false;
        }
        boolean admin = authentication.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals("ROLE_" + Role.ADMIN.name()));
        boolean researcher = authentication.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals("ROLE_" + Role.RESEARCHER.name()));
        return admin || (researcher && authentication instanceof ApiTokenAuthentication);
    }

    /** Anonymous API calls get 401; anonymous page requests (whatever their Accept header) go to the login page. */
    private static AuthenticationEntryPoint signInFirst(RequestMatcher api) {
        return new DelegatingAuthenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login"),
                new RequestMatcherEntry<>(api, new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)));
    }
}
