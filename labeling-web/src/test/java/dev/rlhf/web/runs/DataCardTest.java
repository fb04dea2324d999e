package dev.rlhf.web.runs;

import dev.rlhf.web.cards.Card;
import dev.rlhf.web.snapshots.DataCards;
import dev.rlhf.web.snapshots.LabelSnapshots;
import dev.rlhf.web.snapshots.SnapshotStatistics;
import dev.rlhf.web.snapshots.SnapshotStatisticsQuery;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.batch.ComparisonStore;
import dev.rlhf.web.importing.FeedbackLines;
import dev.rlhf.web.importing.FileImporter;
import dev.rlhf.web.importing.ImportJob;
import dev.rlhf.web.importing.ImportKind;
import dev.rlhf.web.importing.ImportProgress;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The data card of a snapshot whose statistics are known by hand. Labelers w1, w2, w3 answer four pairwise
 * comparisons of one imported batch (choice, confidence; "t" = tie); U1 and U3 have gold answers:
 * <pre>
 *        w1     w2     w3     gold  subreddit      policies    split
 *   U1   0 (1)  0 (3)  0 (3)  0     tifu           ref, sup    train
 *   U2   1 (9)  1 (7)  0 (4)  -     relationships  ref, sup    train
 *   U3   0 (2)  1 (6)  t (5)  1     relationships  ppo, ref    valid1
 *   U4   1 (8)  -      -      -     relationships  ppo, ref    train
 * </pre>
 * Frozen (ties are not): 9 labels of 4 comparisons and 4 posts; subreddits relationships 6, tifu 3; splits train 7,
 * valid1 2; policy pairs "ref vs sup" 6, "ppo vs ref" 3; labelers w1 4, w2 3, w3 2 (fewest / median / most 2 / 3 / 4);
 * 1 tie left out, tie share 1 of 10; w2's U2 label flagged "duplicate"; confidence 1, 2, 4, 6, 7, 8, 9 once and 3
 * twice. Gold: U1's three labels agree, U3's w1 does not, w2 does: 4 of 5.
 * <p>Agreement on the frozen labels: units U1 [0,0,0], U2 [1,1,0], U3 [0,1], U4 [1] (not pairable). Pairs:
 * 3 + 3 + 1 = 7, agreeing 3 + 1 + 0 = 4. Coincidences (weight 1/(m−1)): U1 adds o00 = 6·½ = 3; U2 adds
 * o11 = 2·½ = 1, o10 = o01 = 2·½ = 1; U3 adds o01 = o10 = 1. So o00 = 3, o11 = 1, o01 = o10 = 2; n = 8, n0 = 5,
 * n1 = 3; D_o = 4/8, D_e = (64 − 25 − 9) / (8·7) = 30/56; α = 1 − (1/2)/(30/56) = 1 − 28/30 = 1/15 = 0.0667.
 */
@PlatformTest
class DataCardTest extends MockMvcTest {
    @Autowired
    FileImporter importer;
    @Autowired
    LabelSnapshots snapshots;
    @Autowired
    ComparisonStore comparisons;
    @Autowired
    SnapshotStatisticsQuery statistics;
    @Autowired
    JdbcClient jdbc;

    @TempDir
    Path dir;

    /** The fixture above, imported as batch {@code TAG-batch} and frozen as snapshot {@code TAG-snapshot}. */
    static long handKnownSnapshot(FileImporter importer, LabelSnapshots snapshots, ComparisonStore comparisons,
                                  JdbcClient jdbc, Path dir, String tag) throws Exception {
        String batch = tag + "-batch";
        String[][][] answers = {
                // per unit: w1, w2, w3 as {choice, confidence}; null = no label; choice "t" = tie
                {{"0", "1"}, {"0", "3"}, {"0", "3"}},
                {{"1", "9"}, {"1", "7"}, {"0", "4"}},
                {{"0", "2"}, {"1", "6"}, {"t", "5"}},
                {{"1", "8"}, null, null}};
        String[] subreddits = {"tifu", "relationships", "relationships", "relationships"};
        String[][] policies = {{"ref", "sup"}, {"ref", "sup"}, {"ppo", "ref"}, {"ppo", "ref"}};
        String[] splits = {"train", "train", "valid1", "train"};
        List<Object> lines = new ArrayList<>();
        for (int u = 0; u < answers.length; u++) {
            for (int w = 0; w < 3; w++) {
                String[] a = answers[u][w];
                if (a == null) continue;
                Integer choice = a[0].equals("t") ? null : Integer.valueOf(a[0]);
                ObjectNode line = FeedbackLines.comparison(tag + "-U" + (u + 1), batch, splits[u], tag + "-w" + (w + 1),
                        choice, Integer.valueOf(a[1]), policies[u][0], "First summary of U" + (u + 1), policies[u][1],
                        "Second summary of U" + (u + 1));
                ((ObjectNode) line.get("info")).put("subreddit", subreddits[u]);
                lines.add(line);
            }
        }
        ImportJob job = importer.importFile(ImportKind.COMPARISONS, FeedbackLines.write(dir, tag + ".jsonl", lines),
                tag + ".jsonl", null, ImportProgress.NONE);
        assertThat(job.state()).as(job.error()).isEqualTo("SUCCEEDED");
        comparisons.addGoldAnswer(comparisonOf(jdbc, tag + "-U1"), 0, 2, "gold");
        comparisons.addGoldAnswer(comparisonOf(jdbc, tag + "-U3"), 1, 8, "gold");
        jdbc.sql("""
                        UPDATE labels SET flags = '{duplicate}' WHERE comparison_id = :c
                          AND labeler_id = (SELECT id FROM users WHERE pseudonym = :w)""")
                .param("c", comparisonOf(jdbc, tag + "-U2")).param("w", tag + "-w2").update();
        return snapshots.freeze(tag + "-snapshot", batch, null, null);
    }

    private static long comparisonOf(JdbcClient jdbc, String post) {
        return jdbc.sql("SELECT c.id FROM comparisons c JOIN posts p ON p.id = c.post_id WHERE p.source_id = :p")
                .param("p", post).query(Long.class).single();
    }

    @Test
    void theDataCardShowsTheHandCountedStatistics() throws Exception {
        String tag = "dc" + System.nanoTime();
        long id = handKnownSnapshot(importer, snapshots, comparisons, jdbc, dir, tag);

        SnapshotStatistics st = statistics.of(id).orElseThrow();
        assertThat(st.agreement().alpha()).isCloseTo(1.0 / 15, org.assertj.core.api.Assertions.within(1e-12));
        Card card = DataCards.of(st);
        assertThat(card.value("snapshot", "labels")).isEqualTo("9");
        assertThat(card.value("labelled", "comparisons")).isEqualTo("4");
        assertThat(card.value("labelled", "posts")).isEqualTo("4");
        assertThat(card.value("labelled", "subreddits")).isEqualTo("2 (relationships: 6 · tifu: 3)");
        assertThat(card.value("labelled", "batches")).isEqualTo("1");
        assertThat(card.value("labelled", "modes")).isEqualTo("PAIRWISE: 9");
        assertThat(card.value("labelled", "splits")).isEqualTo("train: 7 · valid1: 2");
        assertThat(card.value("labelled", "policies")).isEqualTo("ref vs sup: 6 · ppo vs ref: 3");
        assertThat(card.section("labelled").table().rows()).containsExactly(List.of(tag + "-batch", "PAIRWISE", "9"));
        assertThat(card.value("labelers", "labelers")).isEqualTo("3");
        assertThat(card.value("labelers", "per-labeler")).isEqualTo("2 / 3 / 4");
        assertThat(card.section("labelers").table().rows()).containsExactly(
                List.of(tag + "-w1", "4"), List.of(tag + "-w2", "3"), List.of(tag + "-w3", "2"));
        assertThat(card.value("ties-flags", "ties")).isEqualTo("0");
        assertThat(card.value("ties-flags", "ties-left-out")).isEqualTo("1");
        assertThat(card.value("ties-flags", "tie-share")).isEqualTo("0.100 (1 of 10)");
        assertThat(card.value("ties-flags", "flagged")).isEqualTo("1");
        assertThat(card.value("ties-flags", "flags")).isEqualTo("duplicate: 1");
        assertThat(card.section("confidence").table().rows()).containsExactly(List.of("1", "1"), List.of("2", "1"),
                List.of("3", "2"), List.of("4", "1"), List.of("6", "1"), List.of("7", "1"), List.of("8", "1"), List.of("9", "1"));
        assertThat(card.value("confidence", "imported-confidence"))
                .isEqualTo("1: 1 · 2: 1 · 3: 2 · 4: 1 · 6: 1 · 7: 1 · 8: 1 · 9: 1");
        assertThat(card.value("agreement", "gold")).isEqualTo("0.800 (4 of 5)");
        assertThat(card.value("agreement", "labeler-labels")).isEqualTo("9");
        assertThat(card.value("agreement", "overlap")).isEqualTo("3");
        assertThat(card.value("agreement", "pairs")).isEqualTo("7");
        assertThat(card.value("agreement", "pairwise")).isEqualTo("0.571 (4 of 7)");
        assertThat(card.value("agreement", "alpha")).isEqualTo("0.067");

        // the page shows every fact of the card, the Markdown carries the same
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        String page = mvc.perform(get("/research/snapshots/" + id).with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        for (Card.Section s : card.sections()) {
            for (Card.Fact f : s.facts()) {
                assertThat(page).contains("data-key=\"" + f.key() + "\"><th>" + HtmlUtils.htmlEscape(f.label(), "UTF-8")
                        + "</th><td class=\"value\">" + HtmlUtils.htmlEscape(f.value(), "UTF-8") + "</td>");
            }
        }
        assertThat(page).contains("<td>" + tag + "-w1</td><td>4</td>");
        String md = mvc.perform(get("/research/snapshots/" + id + "/card.md").with(user(researcher)))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "text/markdown;charset=UTF-8"))
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"snapshot-" + id + "-data-card.md\""))
                .andReturn().getResponse().getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(md).isEqualTo(card.markdown())
                .contains("| Krippendorff's α (nominal, choice) | 0.067 |", "| Pairwise agreement | 0.571 (4 of 7) |",
                        "| " + tag + "-w3 | 2 |");

        // the runs page links the data card; labelers and strangers do not see it
        mvc.perform(get("/research/runs").with(user(researcher))).andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.content().string(
                        org.hamcrest.Matchers.containsString("href=\"/research/snapshots/" + id + "\"")));
        mvc.perform(get("/research/snapshots/" + id).with(user(fixtures.signedIn(Role.LABELER))))
                .andExpect(status().isForbidden());
        mvc.perform(get("/research/snapshots/" + id + "/card.md")).andExpect(status().is3xxRedirection());
    }
}
