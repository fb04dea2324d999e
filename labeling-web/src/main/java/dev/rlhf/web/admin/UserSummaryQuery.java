package dev.rlhf.web.admin;

import dev.rlhf.web.account.Role;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.List;

@Repository
class UserSummaryQuery {
    private final JdbcClient jdbc;

    UserSummaryQuery(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<UserSummary> all() {
        return jdbc.sql("""
                        SELECT u.id, u.username, u.role, u.pseudonym, u.enabled, u.paused,
                               (SELECT count(*) FROM labels l WHERE l.labeler_id = u.id) AS labels
                        FROM users u ORDER BY u.role, u.username""")
                .query((rs, n) -> new UserSummary(rs.getLong("id"), rs.getString("username"),
                        Role.valueOf(rs.getString("role")), rs.getString("pseudonym"), rs.getBoolean("enabled"),
                        rs.getBoolean("paused"), rs.getLong("labels")))
                .list();
    }
}
