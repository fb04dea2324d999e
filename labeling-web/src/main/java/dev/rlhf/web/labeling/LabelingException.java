package dev.rlhf.web.labeling;

import org.springframework.http.HttpStatus;

/** A refused request, with the status to answer, the field at fault (or null) and a sentence for the labeler. */
public class LabelingException extends RuntimeException {
    private final HttpStatus status;
    private final String field;

    public LabelingException(HttpStatus status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public static LabelingException badField(String field, String message) {
        return new LabelingException(HttpStatus.BAD_REQUEST, field, message);
    }

    public HttpStatus status() {
        return status;
    }

    public String field() {
        return field;
    }
}
