package dev.rlhf.lm.io;

import java.io.IOException;

/** A checkpoint file or model directory that cannot be read as what it claims to be; the message names the file and tensor. */
public class CheckpointFormatException extends IOException {

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
