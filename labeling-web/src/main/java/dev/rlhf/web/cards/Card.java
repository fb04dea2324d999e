package dev.rlhf.web.cards;

import java.util.ArrayList;
import java.util.List;

/**
 * A generated card (a model card or a data card): a title and sections, each with facts (key, label, value), an
 * optional table and sentences. The page draws the same object as HTML; {@link #markdown()} writes it as Markdown for
 * download and for the {@code README.md} of a model directory.
 */
public record Card(String title, List<Section> sections) {

    /** One fact: {@code key} is stable (pages and tests find the value by it), {@code label} is what a reader sees. */
    public record Fact(String key, String label, String value) {}

    /** A table: column headers and rows of cells. */
    public record Table(List<String> header, List<List<String>> rows) {}

    public record Section(String id, String title, List<Fact> facts, Table table, List<String> notes) {}

    /** Builds one section: facts, then at most one table, then sentences. */
    public static final class SectionBuilder {
        private final String id;
        private final String title;
        private final List<Fact> facts = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private Table table;

        public SectionBuilder(String id, String title) {
            this.id = id;
            this.title = title;
        }

        public SectionBuilder fact(String key, String label, Object value) {
            facts.add(new Fact(key, label, value == null ? "missing" : value.toString()));
            return this;
        }

        public SectionBuilder table(List<String> header, List<List<String>> rows) {
            table = new Table(List.copyOf(header), rows.stream().map(List::copyOf).toList());
            return this;
        }

        public SectionBuilder note(String sentence) {
            notes.add(sentence);
            return this;
        }

        public Section build() {
            return new Section(id, title, List.copyOf(facts), table, List.copyOf(notes));
        }
    }

    public Section section(String id) {
        return sections.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }

    /** The value of fact {@code key} in section {@code sectionId}, or null. */
    public String value(String sectionId, String key) {
        Section s = section(sectionId);
        if (s == null) return null;
        return s.facts().stream().filter(f -> f.key().equals(key)).map(Fact::value).findFirst().orElse(null);
    }

    /** The card as Markdown: a heading per section, facts as a two-column table, the table, sentences as a list. */
    public String markdown() {
        List<String> blocks = new ArrayList<>();
        blocks.add("# " + line(title));
        for (Section s : sections) {
            blocks.add("## " + line(s.title()));
            if (!s.facts().isEmpty()) {
                StringBuilder t = new StringBuilder("| | |\n| --- | --- |");
                for (Fact f : s.facts()) t.append("\n| ").append(cell(f.label())).append(" | ").append(cell(f.value())).append(" |");
                blocks.add(t.toString());
            }
            if (s.table() != null) {
                StringBuilder t = new StringBuilder("| ").append(String.join(" | ", s.table().header().stream().map(Card::cell).toList()))
                        .append(" |\n|").append(" --- |".repeat(s.table().header().size()));
                for (List<String> row : s.table().rows()) {
                    t.append("\n| ").append(String.join(" | ", row.stream().map(Card::cell).toList())).append(" |");
                }
                blocks.add(t.toString());
            }
            if (!s.notes().isEmpty()) blocks.add(String.join("\n", s.notes().stream().map(n -> "- " + line(n)).toList()));
        }
        return String.join("\n\n", blocks) + "\n";
    }

    private static String line(String s) {
        return s.replace("\r", " ").replace("\n", " ");
    }

    private static String cell(String s) {
        return line(s).replace("|", "\\|");
    }
}
