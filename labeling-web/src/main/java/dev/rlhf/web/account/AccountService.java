package dev.rlhf.web.account;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates users with BCrypt-hashed passwords. */
@Service
public class AccountService {
    private final UserAccountRepository users;
    private final PasswordEncoder passwordEncoder;

    AccountService(UserAccountRepository users, PasswordEncoder passwordEncoder) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
    }

    @Transactional
    public UserAccount create(String username, String password, Role role, String pseudonym) {
        return users.save(new UserAccount(username, passwordEncoder.encode(password), role, pseudonym));
    }

    public boolean noUsers() {
        return users.count() == 0;
    }
}
