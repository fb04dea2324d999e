package dev.rlhf.web.account;

import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

@Service
public record AccountUserDetailsService(UserAccountRepository users) implements UserDetailsService {
    @Override
    public UserDetails loadUserByUsername(String username) {
        return users.findByUsername(username).map(SignedInUser::of)
                .orElseThrow(() -> new UsernameNotFoundException("no such user"));
    }
}
