package dev.rlhf.web.api;

/** The JSON body of every refused API request: status, the field at fault (or null) and why. */
public record ApiError(int status, String field, String message) {
}
