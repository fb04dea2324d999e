package dev.rlhf.web.importing;

import dev.rlhf.web.api.ApiErrorBody;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A bad line of an import file becomes a 400 naming the line and the field; nothing of the file was imported. */
@RestControllerAdvice(basePackages = "dev.rlhf.web.importing")
@Order(Ordered.HIGHEST_PRECEDENCE)
class ImportErrors {
    @ExceptionHandler(BadLineException.class)
    ResponseEntity<ApiErrorBody> badLine(BadLineException bad) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST)
                .body(new ApiErrorBody(HttpStatus.BAD_REQUEST.value(), bad.field(), bad.line(), bad.getMessage() + " (nothing was imported)"));
    }
}
