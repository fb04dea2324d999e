package dev.rlhf.web.api;

/** The JSON body of a refused data-API request; {@code line} is set when a line of an uploaded file is at fault. */
public record ApiErrorBody(int status, String field, Long line, String message) {
}
