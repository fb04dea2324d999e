package dev.rlhf.web.labeling;

import java.util.List;

/** The comparison page's form: hidden assignment id and idempotency key, the answer, an optional flag and note. */
public class LabelForm {
    private Long assignmentId;
    private String idempotencyKey;
    private Integer confidence;
    private Integer choice;
    private String flag;
    private String note;

    public LabelSubmission toSubmission() {
        return new LabelSubmission(assignmentId, idempotencyKey, confidence, choice,
                flag == null || flag.isBlank() ? List.of() : List.of(flag), note);
    }

    public Long getAssignmentId() {
        return assignmentId;
    }

    public void setAssignmentId(Long assignmentId) {
        this.assignmentId = assignmentId;
    }

    public String getIdempotencyKey() {
        return idempotencyKey;
    }

    public void setIdempotencyKey(String idempotencyKey) {
        this.idempotencyKey = idempotencyKey;
    }

    public Integer getConfidence() {
        return confidence;
    }

    public void setConfidence(Integer confidence) {
        this.confidence = confidence;
    }

    public Integer getChoice() {
        return choice;
    }

    public void setChoice(Integer choice) {
        this.choice = choice;
    }

    public String getFlag() {
        return flag;
    }

    public void setFlag(String flag) {
        this.flag = flag;
    }

    public String getNote() {
        return note;
    }

    public void setNote(String note) {
        this.note = note;
    }
}
