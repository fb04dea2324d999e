package dev.rlhf.web.account;

import dev.rlhf.web.api.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/**
 * The signed-in researcher's or admin's own API tokens: make one (the secret is in this answer only), list them
 * (never the secret), revoke one. Making and revoking need a signed-in session: a token cannot make more tokens.
 */
@RestController
@RequestMapping("/api/tokens")
record ApiTokenApiController(ApiTokens tokens) {
    private static final Set<String> FIELDS = Set.of("name", "expiresInDays");

    @PostMapping
    ResponseEntity<ApiTokens.Created> create(@AuthenticationPrincipal SignedInUser user, Authentication authentication,
                                             @RequestBody(required = false) JsonNode body) {
        signedInWithASession(authentication);
        if (body == null || !body.isObject()) {
            throw ApiProblem.badField("name", "the body must be a JSON object {\"name\", \"expiresInDays\"}");
        }
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) throw ApiProblem.badField(field, "'" + field + "' is not a field of a token");
        }
        JsonNode name = body.get("name");
        if (name != null && !name.isNull() && !name.isString()) throw ApiProblem.badField("name", "'name' must be a string");
        JsonNode days = body.get("expiresInDays");
        Integer expiresInDays = null;
        if (days != null && !days.isNull()) {
            if (!days.isIntegralNumber() || !days.canConvertToInt()) {
                throw ApiProblem.badField("expiresInDays", "'expiresInDays' must be a whole number of days (1 to "
                        + ApiTokens.MAX_DAYS + ")");
            }
            expiresInDays = days.intValue();
        }
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(tokens.create(user, name == null || name.isNull() ? null : name.asString(), expiresInDays));
    }

    @GetMapping
    List<ApiTokens.Token> list(@AuthenticationPrincipal SignedInUser user) {
        return tokens.of(user.id());
    }

    @DeleteMapping("/{id}")
    ApiTokens.Token revoke(@AuthenticationPrincipal SignedInUser user, Authentication authentication, @PathVariable long id) {
        signedInWithASession(authentication);
        return tokens.revoke(user.id(), id);
    }

    private static void signedInWithASession(Authentication authentication) {
        if (authentication instanceof ApiTokenAuthentication) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "Authorization",
                    "An API token cannot make or revoke API tokens: sign in and use the session.");
        }
    }
}
