package dev.rlhf.web.batch;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.time.Instant;

/** A set of comparisons that each need {@code overlapK} labels from distinct labelers. */
@Entity
@Table(name = "batches")
public class Batch {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 128)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private BatchMode mode;

    @Column(name = "overlap_k", nullable = false)
    private int overlapK;

    @Column(name = "ties_allowed", nullable = false)
    private boolean tiesAllowed;

    @Column(name = "gold_rate", nullable = false, precision = 4, scale = 3)
    private BigDecimal goldRate = BigDecimal.ZERO;

    @Column(nullable = false)
    private int priority;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private BatchState state = BatchState.DRAFT;

    @Column(name = "created_by")
    private Long createdBy;

    /** Shown to labelers above every comparison of the batch; plain text, line breaks kept (V18). */
    @Column(columnDefinition = "text")
    private String instructions;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    private Instant createdAt;

    protected Batch() {
    }

    public Batch(String name, BatchMode mode, int overlapK, boolean tiesAllowed, int priority) {
        this.name = name;
        this.mode = mode;
        this.overlapK = overlapK;
        this.tiesAllowed = tiesAllowed;
        this.priority = priority;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public BatchMode getMode() {
        return mode;
    }

    public int getOverlapK() {
        return overlapK;
    }

    public boolean isTiesAllowed() {
        return tiesAllowed;
    }

    public BigDecimal getGoldRate() {
        return goldRate;
    }

    public void setGoldRate(BigDecimal goldRate) {
        this.goldRate = goldRate;
    }

    public int getPriority() {
        return priority;
    }

    public BatchState getState() {
        return state;
    }

    public void setState(BatchState state) {
        this.state = state;
    }

    public Long getCreatedBy() {
        return createdBy;
    }

    public void setCreatedBy(Long createdBy) {
        this.createdBy = createdBy;
    }

    public String getInstructions() {
        return instructions;
    }

    public void setInstructions(String instructions) {
        this.instructions = instructions;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
