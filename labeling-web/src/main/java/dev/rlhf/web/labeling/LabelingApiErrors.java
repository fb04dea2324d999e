package dev.rlhf.web.labeling;

import dev.rlhf.web.api.ApiError;
import dev.rlhf.web.api.UnreadableJson;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns refusals and unreadable JSON into 4xx answers that name the field. */
@RestControllerAdvice(assignableTypes = LabelingApiController.class)
class LabelingApiErrors {

    @ExceptionHandler(LabelingException.class)
    ResponseEntity<ApiError> refused(LabelingException refused) {
        return ResponseEntity.status(refused.status())
                .body(new ApiError(refused.status().value(), refused.field(), refused.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException unreadable) {
        String field = UnreadableJson.field(unreadable);
        String message = field == null ? "the request body is not valid JSON for a label"
                : "'" + field + "' has a value of the wrong type";
        return ResponseEntity.badRequest().body(new ApiError(HttpStatus.BAD_REQUEST.value(), field, message));
    }
}
