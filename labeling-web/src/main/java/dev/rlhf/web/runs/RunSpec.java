package dev.rlhf.web.runs;

import java.util.Map;

/**
 * A run kind's typed inputs: a record whose components are the form's fields, each constrained with Bean Validation
 * (the message is what the form shows beside the field's name). {@link #crossFieldErrors()} holds the checks that
 * relate two fields; {@link SpecBinder} reads a form into the record and runs both.
 */
public interface RunSpec {
    /** Field → why, for constraints between fields (e.g. a minimum learning rate above the peak). */
    default Map<String, String> crossFieldErrors() {
        return Map.of();
    }
}
