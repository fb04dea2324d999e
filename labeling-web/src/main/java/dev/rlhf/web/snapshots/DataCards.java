package dev.rlhf.web.snapshots;

import dev.rlhf.web.cards.Card;

import dev.rlhf.web.quality.LabelAgreement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The data card of a label snapshot, written from its {@link SnapshotStatistics}: every number is a count of its labels. */
public final class DataCards {
    private DataCards() {
    }

    public static Card of(SnapshotStatistics st) {
        LabelSnapshots.Snapshot s = st.snapshot();
        List<Card.Section> sections = new ArrayList<>();
        sections.add(new Card.SectionBuilder("snapshot", "Snapshot")
                .fact("id", "Snapshot", "#" + s.id() + " " + s.name())
                .fact("filter", "Filter", s.filter())
                .fact("frozen", "Frozen", s.createdAt())
                .fact("labels", "Labels", st.labels())
                .note("Freezing copies the matching labels with a choice; labels added later never change the snapshot.")
                .build());

        Card.SectionBuilder what = new Card.SectionBuilder("labelled", "What was labelled")
                .fact("comparisons", "Comparisons", st.comparisons())
                .fact("posts", "Posts", st.posts())
                .fact("subreddits", "Subreddits", st.subreddits().size() + " (" + joined(st.subreddits()) + ")")
                .fact("batches", "Batches", st.batches().size())
                .fact("modes", "Modes", joined(st.modes()))
                .fact("splits", "Splits", joined(st.splits()))
                .fact("policies", "Policies compared", joined(st.policyPairs()));
        what.table(List.of("Batch", "Mode", "Labels"), st.batches().stream()
                .map(b -> List.of(b.batch(), b.mode(), Long.toString(b.labels()))).toList());
        sections.add(what.build());

        double[] per = st.labelsPerLabeler();
        sections.add(new Card.SectionBuilder("labelers", "Labelers")
                .fact("labels", "Labels", st.labels())
                .fact("labelers", "Labelers", st.labelers())
                .fact("per-labeler", "Labels per labeler (fewest / median / most)", per == null ? "no labels"
                        : number(per[0]) + " / " + number(per[1]) + " / " + number(per[2]))
                .table(List.of("Labeler", "Labels"), st.perLabeler().stream()
                        .map(c -> List.of(c.key(), Long.toString(c.labels()))).toList())
                .build());

        Card.SectionBuilder answers = new Card.SectionBuilder("ties-flags", "Ties and flags")
                .fact("ties", "Ties in the snapshot", st.ties())
                .fact("ties-left-out", "Tie labels the filter matched when it was frozen (left out)", st.tiesLeftOut())
                .fact("tie-share", "Share of ties among the matched labels", share(st.ties() + st.tiesLeftOut(),
                        st.labels() + st.tiesLeftOut()))
                .fact("flagged", "Flagged labels", st.flaggedLabels())
                .fact("flags", "Flags", st.flags().isEmpty() ? "none" : joined(st.flags()));
        sections.add(answers.build());

        sections.add(new Card.SectionBuilder("confidence", "Confidence")
                .fact("imported-confidence", "Imported confidence (extra.confidence as the file gave it)",
                        joined(st.sourceConfidence()))
                .table(List.of("Confidence", "Labels"), st.confidence().stream()
                        .map(c -> List.of(c.key(), Long.toString(c.labels()))).toList())
                .note("The platform's confidence is a side scale: 1 = the first summary (canonical order) definitely "
                        + "better … 5 = tie … 9 = the second definitely better; best-of-4 labels have none.")
                .build());

        LabelAgreement a = st.agreement();
        sections.add(new Card.SectionBuilder("agreement", "Agreement")
                .fact("gold", "Agreement with gold answers", st.goldCompared() == 0 ? "no gold answers among these labels"
                        : share(st.goldAgreed(), st.goldCompared()))
                .fact("labeler-labels", "Labels by labelers (role LABELER)", a.labels())
                .fact("overlap", "Comparisons with two or more of them", a.comparisonsWithOverlap())
                .fact("pairs", "Pairs of labels of the same comparison", a.pairs())
                .fact("pairwise", "Pairwise agreement", a.pairs() == 0 ? "not computable (no comparison has two labels)"
                        : share(a.agreeingPairs(), a.pairs()))
                .fact("alpha", "Krippendorff's α (nominal, choice)", a.alpha() == null
                        ? "not computable (fewer than two pairable values, or one answer only)" : fixed(a.alpha()))
                .note("Inter-labeler agreement is computed on this snapshot's labels only, as the quality dashboard "
                        + "computes it per batch: the canonical choice of labels by labelers; researchers' and admins' labels are left out.")
                .build());
        return new Card("Data card: label snapshot #" + s.id() + " " + s.name(), List.copyOf(sections));
    }

    /** "key n · key n …", or "none". */
    public static String joined(List<SnapshotStatistics.Count> counts) {
        if (counts.isEmpty()) return "none";
        return counts.stream().map(c -> c.key() + ": " + c.labels()).collect(Collectors.joining(" · "));
    }

    /** "0.667 (8 of 12)", or "none" for an empty whole. */
    public static String share(long part, long whole) {
        return whole == 0 ? "none" : fixed((double) part / whole) + " (" + part + " of " + whole + ")";
    }

    /** Three decimals, or "–" for a value that is not finite. */
    public static String fixed(double v) {
        return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.3f", v) : "–";
    }

    public static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
