package dev.rlhf.web.api;

import org.springframework.http.HttpStatus;

/** A refused request of the data API: status, the field (or parameter) at fault, and why. */
public class ApiProblem extends RuntimeException {
    private final HttpStatus status;
    private final String field;

    public ApiProblem(HttpStatus status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public static ApiProblem badField(String field, String message) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, field, message);
    }

    public static ApiProblem notFound(String field, String message) {
        return new ApiProblem(HttpStatus.NOT_FOUND, field, message);
    }

    public static ApiProblem conflict(String field, String message) {
        return new ApiProblem(HttpStatus.CONFLICT, field, message);
    }

    public HttpStatus status() {
        return status;
    }

    public String field() {
        return field;
    }

    /** The refusal as a page shows it: "field: message", or the message alone when no field is at fault. */
    public String describe() {
        return (field == null ? "" : field + ": ") + getMessage();
    }
}
