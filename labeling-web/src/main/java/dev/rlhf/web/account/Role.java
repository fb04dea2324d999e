package dev.rlhf.web.account;

/** What a user may do: label, run research, or administer the platform. */
public enum Role {
    LABELER, RESEARCHER, ADMIN;

    public String authority() {
        return "ROLE_" + name();
    }
}
