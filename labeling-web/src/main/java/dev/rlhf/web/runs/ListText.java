package dev.rlhf.web.runs;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** What a spec's list field says when its text does not parse, e.g. "must be fractions separated by commas, e.g. 0.25, 0.5". */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface ListText {
    String value();
}
