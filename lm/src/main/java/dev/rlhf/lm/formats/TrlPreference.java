package dev.rlhf.lm.formats;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * TRL's preference format, one line a pair, in both of its forms:
 * <ul>
 *   <li>standard: {@code {"prompt": "...", "chosen": "...", "rejected": "..."}};</li>
 *   <li>conversational: {@code prompt}, {@code chosen} and {@code rejected} are lists of {@code {"role", "content"}}
 *       messages. The response is the content of the last {@code assistant} message; a prompt given as messages
 *       becomes its one message's content, or each message as {@code role: content}, separated by blank lines.
 *       Without a {@code prompt} (TRL's implicit prompt), the messages of {@code chosen} before its last assistant
 *       message are the prompt.</li>
 * </ul>
 * Both read into a {@link PreferencePair}; every error names the line and the field's path ({@code chosen[1].role}).
 */
public final class TrlPreference {

    private TrlPreference() {
    }

    /** One line's object; {@code source} and {@code lineNo} only name the place in errors. */
    public static PreferencePair parse(JsonObject o, String source, long lineNo) {
        JsonFields f = new JsonFields(source, lineNo);
        List<Message> chosenMessages = messages(f, o, "chosen");
        String chosen = response(f, o, "chosen", chosenMessages);
        String rejected = response(f, o, "rejected", messages(f, o, "rejected"));
        String prompt;
        JsonElement p = o.get("prompt");
        if (p == null || p.isJsonNull()) {
            if (chosenMessages == null) throw f.bad("prompt", "is required");
            List<Message> before = chosenMessages.subList(0, lastAssistant(chosenMessages));
            if (before.isEmpty()) {
                throw f.bad("prompt", "is required (chosen has no messages before its last assistant message)");
            }
            prompt = render(before);
        } else if (p.isJsonArray()) {
            List<Message> promptMessages = messages(f, o, "prompt");
            if (promptMessages.isEmpty()) throw f.bad("prompt", "must not be an empty list of messages");
            prompt = render(promptMessages);
        } else {
            prompt = f.string(o, "prompt", "prompt", true);
        }
        if (prompt.isBlank()) throw f.bad("prompt", "must not be empty");
        return new PreferencePair(prompt, chosen, rejected);
    }

    /**
     * Whether a line's object is meant to be in this format (it has {@code prompt}, {@code chosen} or {@code rejected},
     * and neither of a summarize-from-feedback comparison's {@code info} and {@code summaries}), even when it is a bad
     * line of it.
     */
    public static boolean looksLike(JsonObject o) {
        return (o.has("prompt") || o.has("chosen") || o.has("rejected")) && !o.has("info") && !o.has("summaries");
    }

    private record Message(String role, String content) {
    }

    /** The field's messages when it is a list, null when it is not a list. */
    private static List<Message> messages(JsonFields f, JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonArray()) {
            return null;
        }
        JsonArray array = e.getAsJsonArray();
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String path = field + "[" + i + "]";
            JsonElement m = array.get(i);
            if (!m.isJsonObject()) throw f.bad(path, "must be a message object {\"role\", \"content\"}");
            messages.add(new Message(f.string(m.getAsJsonObject(), "role", path + ".role", true),
                    f.string(m.getAsJsonObject(), "content", path + ".content", true)));
        }
        return messages;
    }

    private static String response(JsonFields f, JsonObject o, String field, List<Message> messages) {
        String text;
        if (messages == null) {
            text = f.string(o, field, field, true);
        } else {
            int last = lastAssistant(messages);
            if (last < 0) throw f.bad(field, "has no message with role \"assistant\"");
            text = messages.get(last).content();
            field = field + "[" + last + "].content";
        }
        if (text.isBlank()) throw f.bad(field, "must not be empty");
        return text;
    }

    private static int lastAssistant(List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("assistant".equals(messages.get(i).role())) return i;
        }
        return -1;
    }

    private static String render(List<Message> messages) {
        if (messages.size() == 1) return messages.get(0).content();
        List<String> parts = new ArrayList<>();
        for (Message m : messages) parts.add(m.role() + ": " + m.content());
        return String.join("\n\n", parts);
    }
}
