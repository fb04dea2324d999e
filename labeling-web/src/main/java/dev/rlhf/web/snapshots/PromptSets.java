package dev.rlhf.web.snapshots;

import dev.rlhf.lm.formats.TldrPost;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.List;

/** Reads a {@link PromptSet}'s posts (with the summary SFT learns: the reference, else the first) and records what a run read. */
@Component
public record PromptSets(JdbcClient jdbc) {
    /** A post with the summary SFT trains on. */
    public record DbPost(long id, TldrPost post) {}

    public List<DbPost> posts(PromptSet set) {
        return jdbc.sql("""
                        SELECT p.id, p.source_id, p.subreddit, p.title, p.body, s.text FROM posts p
                        JOIN LATERAL (SELECT text FROM summaries WHERE post_id = p.id ORDER BY is_reference DESC, id LIMIT 1) s ON true
                        WHERE (:split = 'any' OR EXISTS (SELECT 1 FROM comparisons c WHERE c.post_id = p.id AND c.split = :split))
                          AND (:subreddit = '' OR p.subreddit = :subreddit)
                        ORDER BY p.id LIMIT :limit""")
                .param("split", set.split()).param("subreddit", set.subreddit()).param("limit", set.maxPosts())
                .query((rs, i) -> new DbPost(rs.getLong(1), new TldrPost(rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6)))).list();
    }

    /** Whether the set holds any post (checked when a run is launched). */
    public boolean isEmpty(PromptSet set) {
        return posts(new PromptSet(set.split(), set.subreddit(), 1)).isEmpty();
    }

    /** Records the posts run {@code runId} reads (again on a re-claimed run: nothing new). */
    public void record(long runId, List<DbPost> posts) {
        jdbc.sql("INSERT INTO run_posts (run_id, post_id) SELECT :run, unnest(:posts::bigint[]) ON CONFLICT DO NOTHING")
                .param("run", runId).param("posts", posts.stream().map(DbPost::id).toArray(Long[]::new)).update();
    }
}
