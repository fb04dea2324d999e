package dev.rlhf.web.batch;

import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the labeler's qualification page as a labeler does: the items by place, each with its left and right text. */
final class QualificationPage {
    private static final Pattern SHOWN_ITEM = Pattern.compile(
            "data-place=\"(\\d+)\".*?class=\"summary-left\">([^<]*)<.*?class=\"summary-right\">([^<]*)<", Pattern.DOTALL);
    private static final Pattern ATTEMPT = Pattern.compile("name=\"attemptId\" value=\"(\\d+)\"");

    private QualificationPage() {
    }

    /** Place → {left text, right text}. */
    static Map<Integer, String[]> shownItems(String page) {
        Map<Integer, String[]> items = new TreeMap<>();
        Matcher m = SHOWN_ITEM.matcher(page);
        while (m.find()) {
            items.put(Integer.parseInt(m.group(1)), new String[]{m.group(2), m.group(3)});
        }
        return items;
    }

    static boolean hasAttempt(String page) {
        return ATTEMPT.matcher(page).find();
    }

    static long attemptId(String page) {
        Matcher m = ATTEMPT.matcher(page);
        assertThat(m.find()).as("the page holds an attempt").isTrue();
        return Long.parseLong(m.group(1));
    }

    static MockHttpServletRequestBuilder answers(MockHttpServletRequestBuilder request, Map<String, String> answers) {
        answers.forEach(request::param);
        return request;
    }

    /** Answers every item of the page against the gold of {@link GoldSource} (right or, with {@code wrong}, wrong). */
    static Map<String, String> answersFor(String page, boolean wrong) {
        Map<String, String> answers = new TreeMap<>();
        for (Map.Entry<Integer, String[]> item : shownItems(page).entrySet()) {
            String left = item.getValue()[0];
            boolean leftBetter = left.equals("Reference summary 1") || left.equals("Sampled summary 2");
            answers.put("answer-" + item.getKey(), leftBetter != wrong ? "2" : "8");
        }
        return answers;
    }
}
