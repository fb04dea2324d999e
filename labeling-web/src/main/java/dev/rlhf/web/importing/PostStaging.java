package dev.rlhf.web.importing;

import com.google.gson.JsonObject;
import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.lm.formats.TldrReader;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** TL;DR posts: a post per new id, its summary stored as the post's reference summary (policy {@code ref}). */
final class PostStaging implements Staging<TldrPost> {
    static final String REFERENCE_POLICY = "ref";

    @Override
    public TldrPost parse(long line, JsonObject json) {
        TldrPost post = TldrReader.parse(json, null, line);
        ImportLimits.check(line, "id", post.id(), ImportLimits.NAME, true, false);
        ImportLimits.check(line, "subreddit", post.subreddit(), ImportLimits.NAME, true, false);
        ImportLimits.check(line, "title", post.title(), ImportLimits.TITLE, true, true);
        ImportLimits.check(line, "post", post.post(), ImportLimits.POST, true, false);
        ImportLimits.check(line, "summary", post.summary(), ImportLimits.SUMMARY, true, false);
        return post;
    }

    @Override
    public String createTable() {
        return """
                CREATE TEMP TABLE import_posts (line bigint, source_id text, subreddit text, title text, body text,
                                                summary text) ON COMMIT DROP""";
    }

    @Override
    public String analyze() {
        return "ANALYZE posts, summaries";
    }

    @Override
    public String insert() {
        return "INSERT INTO import_posts VALUES (?, ?, ?, ?, ?, ?)";
    }

    @Override
    public void bind(PreparedStatement statement, long line, TldrPost post) throws SQLException {
        statement.setLong(1, line);
        statement.setString(2, post.id());
        statement.setString(3, post.subreddit());
        statement.setString(4, post.title());
        statement.setString(5, post.post());
        statement.setString(6, post.summary());
    }

    @Override
    public long merge(MergeContext context) {
        long posts = context.jdbc().sql("""
                INSERT INTO posts (source_id, subreddit, title, body)
                SELECT DISTINCT ON (source_id) source_id, subreddit, title, body
                FROM import_posts ORDER BY source_id, line
                ON CONFLICT (source_id) DO NOTHING""").update();
        long summaries = context.jdbc().sql("""
                INSERT INTO summaries (post_id, text, policy, is_reference)
                SELECT DISTINCT ON (p.id, s.summary) p.id, s.summary, 'ref', true
                FROM import_posts s JOIN posts p ON p.source_id = s.source_id
                WHERE NOT EXISTS (SELECT 1 FROM summaries x WHERE x.post_id = p.id AND x.policy = 'ref'
                                    AND md5(x.text) = md5(s.summary) AND x.text = s.summary)
                ORDER BY p.id, s.summary, s.line""").update();
        return Math.max(posts, summaries);
    }
}
