package dev.rlhf.web.account;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A request signed in with an API token (for this request only: no session is made). */
final class ApiTokenAuthentication extends AbstractAuthenticationToken {
    private final SignedInUser user;
    private final long tokenId;

    ApiTokenAuthentication(SignedInUser user, long tokenId) {
        super(user.getAuthorities());
        this.user = user;
        this.tokenId = tokenId;
        setAuthenticated(true);
    }

    long tokenId() {
        return tokenId;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public SignedInUser getPrincipal() {
        return user;
    }
}
