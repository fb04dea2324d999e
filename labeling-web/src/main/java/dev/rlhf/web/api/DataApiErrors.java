package dev.rlhf.web.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;

/**
 * Bad input to the data API (imports, exports, batches, quality, accounts) becomes a 4xx naming the field; a bad line
 * of an import file is the importing package's own ({@code ImportErrors}).
 */
@RestControllerAdvice(basePackages = {"dev.rlhf.web.importing", "dev.rlhf.web.exporting", "dev.rlhf.web.batch",
        "dev.rlhf.web.quality", "dev.rlhf.web.account"})
class DataApiErrors {

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ApiErrorBody> problem(ApiProblem problem) {
        return body(problem.status(), problem.field(), null, problem.getMessage());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ApiErrorBody> missing(MissingServletRequestParameterException missing) {
        return body(HttpStatus.BAD_REQUEST, missing.getParameterName(), null,
                "parameter '" + missing.getParameterName() + "' is required");
    }

    @ExceptionHandler(MissingServletRequestPartException.class)
    ResponseEntity<ApiErrorBody> missingPart(MissingServletRequestPartException missing) {
        return body(HttpStatus.BAD_REQUEST, missing.getRequestPartName(), null,
                "multipart part '" + missing.getRequestPartName() + "' is required");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ApiErrorBody> mismatch(MethodArgumentTypeMismatchException mismatch) {
        return body(HttpStatus.BAD_REQUEST, mismatch.getName(), null,
                "'" + mismatch.getValue() + "' is not a valid value for '" + mismatch.getName() + "'");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiErrorBody> unreadable(HttpMessageNotReadableException unreadable) {
        String field = UnreadableJson.field(unreadable);
        return body(HttpStatus.BAD_REQUEST, field, null, field == null ? "the request body is not valid JSON"
                : "'" + field + "' has a value of the wrong type");
    }

    private static ResponseEntity<ApiErrorBody> body(HttpStatus status, String field, Long line, String message) {
        return ResponseEntity.status(status).body(new ApiErrorBody(status.value(), field, line, message));
    }
}
