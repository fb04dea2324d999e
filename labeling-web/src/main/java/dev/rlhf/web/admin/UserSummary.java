package dev.rlhf.web.admin;

import dev.rlhf.web.account.Role;

/** One row of the admin's user list. */
public record UserSummary(long id, String username, Role role, String pseudonym, boolean enabled, boolean paused,
                          long labels) {
}
