package dev.rlhf.web.batch;

import dev.rlhf.web.api.ApiProblem;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import java.sql.Types;

/**
 * A batch's instructions for its labelers: plain text (no markup; shown with its line breaks, escaped), at most
 * {@link #MAX_LENGTH} characters, optional. Set when the batch is built and changed at any time after; a labeler sees
 * the new text with their next comparison.
 */
@Service
public record BatchInstructions(JdbcClient jdbc) {
    public static final int MAX_LENGTH = 4000;

    /**
     * The text to store: null for none (absent or blank), otherwise stripped of surrounding blank space, with line
     * ends as {@code \n}; refused naming {@code instructions} when it is too long.
     */
    public static String check(String instructions) {
        if (instructions == null || instructions.isBlank()) {
            return null;
        }
        String text = instructions.replace("\r\n", "\n").replace('\r', '\n').strip();
        if (text.length() > MAX_LENGTH) {
            throw ApiProblem.badField("instructions", "instructions are " + text.length()
                    + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        return text;
    }

    /** Replaces the batch's instructions (null or blank removes them); returns what is stored. */
    public String set(long batchId, String instructions) {
        String text = check(instructions);
        int updated = jdbc.sql("UPDATE batches SET instructions = :text WHERE id = :id")
                .param("text", text, Types.VARCHAR).param("id", batchId).update();
        if (updated == 0) {
            throw ApiProblem.notFound("id", "there is no batch " + batchId);
        }
        return text;
    }
}
