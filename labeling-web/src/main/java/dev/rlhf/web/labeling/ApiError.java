package dev.rlhf.web.labeling;

/** The JSON body of a refused API request: status, the field at fault (or null) and why. */
public record ApiError(int status, String field, String message) {
}
