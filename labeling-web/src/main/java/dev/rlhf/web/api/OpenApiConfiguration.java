package dev.rlhf.web.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document of the REST API, served at {@code /v3/api-docs} (and browsable at {@code /swagger-ui.html})
 * to researchers and admins (labelers get 403). Calls authenticate with the session cookie of a form login; state-changing calls send the
 * CSRF token from {@code GET /api/csrf} in the {@code X-CSRF-TOKEN} header.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI platformApi() {
        return new OpenAPI()
                .info(new Info().title("RLHF labeling platform API").version("1")
                        .description("""
                                Import (TL;DR posts, summarize-from-feedback comparisons), export (comparisons jsonl,
                                preference pairs jsonl), batches, labels, labeler quality and the labeling flow.
                                Roles: imports, accounts, gold answers and creating batches or qualification tests are
                                for ADMIN; reading batches, labels, exports and quality figures for RESEARCHER and
                                ADMIN; /api/labeling for LABELER. Errors are JSON {status, field, line, message}."""))
                .components(new Components()
                        .addSecuritySchemes("session", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.COOKIE).name("JSESSIONID"))
                        .addSecuritySchemes("csrf", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-CSRF-TOKEN")))
                .addSecurityItem(new SecurityRequirement().addList("session").addList("csrf"));
    }
}
