package dev.rlhf.web.account;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

import java.io.Serial;
import java.io.Serializable;
import java.util.Collection;
import java.util.List;

/**
 * The principal kept in the session after login: the database id (controllers never look the user up again) and the
 * account's session generation at sign-in, which {@link SessionCheck} compares with the account on every request.
 */
public record SignedInUser(long id, String username, String passwordHash, Role role, boolean enabled,
                           int sessionGeneration)
        implements UserDetails, Serializable {
    @Serial
    private static final long serialVersionUID = 2L;

    static SignedInUser of(UserAccount account) {
        return new SignedInUser(account.getId(), account.getUsername(), account.getPasswordHash(),
                account.getRole(), account.isEnabled(), account.getSessionGeneration());
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return List.of(new SimpleGrantedAuthority(role.authority()));
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }
}
