package dev.rlhf.web.api;

import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;

/** What an unreadable JSON request body tells about the field at fault. */
public final class UnreadableJson {
    private UnreadableJson() {}

    /** The property whose value could not be read (the last of the parser's path), or null when the JSON itself is bad. */
    public static String field(HttpMessageNotReadableException unreadable) {
        for (Throwable cause = unreadable.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                return jackson.getPath().get(jackson.getPath().size() - 1).getPropertyName();
            }
        }
        return null;
    }
}
