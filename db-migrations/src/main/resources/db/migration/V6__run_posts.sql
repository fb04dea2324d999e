-- The posts an SFT or PPO run read (its prompt set, as chosen when it started), so that a human evaluation can hold
-- out exactly the posts a policy's lineage has seen.
CREATE TABLE run_posts (
    run_id   bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    post_id  bigint NOT NULL REFERENCES posts (id),
    PRIMARY KEY (run_id, post_id)
);
CREATE INDEX run_posts_post_idx ON run_posts (post_id);
