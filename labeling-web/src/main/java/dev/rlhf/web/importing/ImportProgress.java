package dev.rlhf.web.importing;

/** Hears how far an import is (the CLI draws its progress bar from this). */
public interface ImportProgress {
    ImportProgress NONE = (phase, bytesDone, bytesTotal, rows) -> { };

    void update(String phase, long bytesDone, long bytesTotal, long rows);
}
