package dev.rlhf.web.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A person who signs in: a labeler (known to exports only by pseudonym), a researcher or an admin. */
@Entity
@Table(name = "users")
public class UserAccount {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 64)
    private String username;

    @Column(name = "password_hash", nullable = false, length = 100)
    private String passwordHash;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private Role role;

    @Column(nullable = false, length = 64)
    private String pseudonym;

    @Column(nullable = false)
    private boolean enabled = true;

    @Column(nullable = false)
    private boolean paused;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    private Instant createdAt;

    /** Moves on (V12's trigger) when the account is disabled, paused, given another role or a new password. */
    @Column(name = "session_generation", nullable = false, insertable = false, updatable = false)
    private int sessionGeneration;

    protected UserAccount() {
    }

    public UserAccount(String username, String passwordHash, Role role, String pseudonym) {
        this.username = username;
        this.passwordHash = passwordHash;
        this.role = role;
        this.pseudonym = pseudonym;
    }

    public Long getId() {
        return id;
    }

    public String getUsername() {
        return username;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public Role getRole() {
        return role;
    }

    public String getPseudonym() {
        return pseudonym;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public boolean isPaused() {
        return paused;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public int getSessionGeneration() {
        return sessionGeneration;
    }
}
