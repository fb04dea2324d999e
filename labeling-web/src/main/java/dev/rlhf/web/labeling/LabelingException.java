package dev.rlhf.web.labeling;

import dev.rlhf.web.api.ApiProblem;
import org.springframework.http.HttpStatus;

/** A refused labeling request, with the status to answer, the field at fault (or null) and a sentence for the labeler. */
public class LabelingException extends ApiProblem {
    public LabelingException(HttpStatus status, String field, String message) {
        super(status, field, message);
    }

    public static LabelingException badField(String field, String message) {
        return new LabelingException(HttpStatus.BAD_REQUEST, field, message);
    }
}
