package dev.rlhf.web.evaluation;

import dev.rlhf.web.models.ModelRegistry;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.support.Fixtures;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The held-out rule: splits, the models' label snapshots, the posts their SFT/PPO runs read, reference summaries. */
@PlatformTest
class HeldOutPostsTest {
    @Autowired
    HeldOutPosts heldOut;
    @Autowired
    ModelRegistry registry;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Fixtures fixtures;

    List<Long> ids(long policy, Long opponent, Long rm) {
        return heldOut.find(policy, opponent, rm, 100_000).stream().map(HeldOutPosts.Post::id).toList();
    }

    @Test
    void theDemoDataHoldsOutOnePostInTenWithItsReferenceSummary() {
        // the demo batches put every tenth post in split "test" and store its reference TL;DR
        List<Long> demoTest = jdbc.sql("""
                        SELECT p.id FROM posts p JOIN comparisons c ON c.post_id = p.id JOIN batches b ON b.id = c.batch_id
                        WHERE c.split = 'test' AND p.source_id LIKE b.name || '/%' ORDER BY p.id""").query(Long.class).list();
        assertThat(demoTest).isNotEmpty();
        long policy = registry.register("demo-heldout-" + System.nanoTime(), "SFT", "/nowhere", null, null, null, null);
        assertThat(ids(policy, null, null)).containsAll(demoTest);
        assertThat(heldOut.find(policy, null, null, 100_000)).filteredOn(p -> demoTest.contains(p.id()))
                .allSatisfy(p -> assertThat(p.referenceId()).isNotNull());
    }

    @Test
    void aPostIsHeldOutOnlyWhereNoModelOfTheEvaluationCouldHaveSeenIt() {
        String tag = "heldout" + System.nanoTime();
        long valid = EvaluationFixture.postWithComparison(jdbc, tag, 0, "valid1");
        long train = EvaluationFixture.postWithComparison(jdbc, tag, 1, "train");
        long noReference = EvaluationFixture.postWithComparison(jdbc, tag, 2, "test");
        jdbc.sql("UPDATE summaries SET is_reference = false WHERE post_id = ?").param(noReference).update();
        long inSnapshot = EvaluationFixture.postWithComparison(jdbc, tag, 3, "valid");
        long alsoTrain = EvaluationFixture.postWithComparison(jdbc, tag, 4, "test");
        long trainComparison = jdbc.sql("INSERT INTO comparisons (post_id, candidate_count, split) VALUES (?, 2, 'train') RETURNING id")
                .param(alsoTrain).query(Long.class).single();
        assertThat(trainComparison).isPositive();

        long policy = registry.register(tag + "-policy", "SFT", "/nowhere", null, null, null, null);
        long opponent = registry.register(tag + "-opponent", "POLICY", "/nowhere", null, null, null, null);
        // splits: only posts whose comparisons are all in valid/valid1/valid2/test; against the reference, only with one
        assertThat(ids(policy, null, null)).contains(valid, inSnapshot).doesNotContain(train, alsoTrain, noReference);
        assertThat(ids(policy, opponent, null)).contains(valid, inSnapshot, noReference).doesNotContain(train, alsoTrain);
        assertThat(heldOut.count(policy, null, null)).isEqualTo(ids(policy, null, null).size());

        // a reward model trained on a snapshot holding a label of the post: not held out from that reward model
        long labeler = fixtures.user(Role.LABELER).getId();
        long comparison = jdbc.sql("SELECT id FROM comparisons WHERE post_id = ?").param(inSnapshot).query(Long.class).single();
        long assignment = jdbc.sql("""
                        INSERT INTO assignments (comparison_id, labeler_id, display_order, state, lease_expires_at, completed_at)
                        VALUES (?, ?, '{0,1}', 'DONE', now(), now()) RETURNING id""")
                .params(comparison, labeler).query(Long.class).single();
        long label = jdbc.sql("""
                        INSERT INTO labels (assignment_id, comparison_id, labeler_id, choice, confidence, seconds_spent, idempotency_key)
                        VALUES (?, ?, ?, 0, 2, 3, ?) RETURNING id""")
                .params(assignment, comparison, labeler, tag).query(Long.class).single();
        long snapshot = jdbc.sql("INSERT INTO label_snapshots (name, label_count) VALUES (?, 1) RETURNING id").param(tag)
                .query(Long.class).single();
        jdbc.sql("INSERT INTO label_snapshot_labels (snapshot_id, label_id) VALUES (?, ?)").params(snapshot, label).update();
        long rm = registry.register(tag + "-rm", "REWARD_MODEL", "/nowhere", null, null, snapshot, null);
        assertThat(ids(policy, null, rm)).contains(valid).doesNotContain(inSnapshot);
        // … nor from a policy PPO-trained against it (the policy carries the reward model's snapshot)
        long ppoPolicy = registry.register(tag + "-ppo", "POLICY", "/nowhere", policy, null, snapshot, null);
        assertThat(ids(ppoPolicy, null, null)).contains(valid).doesNotContain(inSnapshot);

        // an SFT run in the lineage that read the posts up to `valid` (maxPosts = the posts with a summary up to it)
        long upToValid = jdbc.sql("SELECT count(*) FROM posts q WHERE q.id <= ? AND EXISTS (SELECT 1 FROM summaries s WHERE s.post_id = q.id)")
                .param(valid).query(Long.class).single();
        long sft = jdbc.sql("INSERT INTO runs (name, kind, state, config, started_at) VALUES (?, 'SFT', 'SUCCEEDED', CAST(? AS jsonb), now()) RETURNING id")
                .params(tag, "{\"maxPosts\": " + upToValid + "}").query(Long.class).single();
        long sftModel = registry.register(tag + "-sft-run", "SFT", "/nowhere", null, sft, null, null);
        long child = registry.register(tag + "-child", "POLICY", "/nowhere", sftModel, null, null, null);
        for (long m : new long[]{sftModel, child}) {
            assertThat(ids(m, null, null)).doesNotContain(valid).contains(inSnapshot);
        }
        // an opponent policy's lineage counts too
        assertThat(ids(policy, sftModel, null)).doesNotContain(valid).contains(inSnapshot, noReference);
        // a run that started when `valid` was the newest post read nothing after it, whatever its maxPosts
        long early = jdbc.sql("""
                        INSERT INTO runs (name, kind, state, config, started_at)
                        VALUES (?, 'PPO', 'SUCCEEDED', '{"maxPosts": 100000000}', (SELECT created_at FROM posts WHERE id = ?))
                        RETURNING id""")
                .params(tag, valid).query(Long.class).single();
        long earlyModel = registry.register(tag + "-early", "POLICY", "/nowhere", null, early, null, null);
        assertThat(ids(earlyModel, null, null)).doesNotContain(valid).contains(inSnapshot);
        // a run that recorded the posts of its prompt set (run_posts): exactly those are left out, whatever its
        // maxPosts (the id bound of an unrecorded run with this maxPosts, started now, would leave out every post)
        long recorded = jdbc.sql("INSERT INTO runs (name, kind, state, config, started_at) VALUES (?, 'SFT', 'SUCCEEDED', "
                        + "CAST('{\"maxPosts\": 100000000, \"promptSplit\": \"valid\"}' AS jsonb), now()) RETURNING id")
                .param(tag).query(Long.class).single();
        jdbc.sql("INSERT INTO run_posts (run_id, post_id) VALUES (?, ?)").params(recorded, valid).update();
        long recordedModel = registry.register(tag + "-recorded", "SFT", "/nowhere", null, recorded, null, null);
        assertThat(ids(recordedModel, null, null)).doesNotContain(valid).contains(inSnapshot);
    }
}
