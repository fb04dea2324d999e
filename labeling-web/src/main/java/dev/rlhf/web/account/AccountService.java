package dev.rlhf.web.account;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Creates users with BCrypt-hashed passwords. */
@Service
public record AccountService(UserAccountRepository users, PasswordEncoder passwordEncoder, TransactionTemplate tx) {
    public UserAccount create(String username, String password, Role role, String pseudonym) {
        return tx.execute(status -> users.save(new UserAccount(username, passwordEncoder.encode(password), role, pseudonym)));
    }

    public boolean noUsers() {
        return users.count() == 0;
    }
}
