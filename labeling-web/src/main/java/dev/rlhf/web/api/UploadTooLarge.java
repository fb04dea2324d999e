package dev.rlhf.web.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.servlet.autoconfigure.MultipartProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.util.unit.DataSize;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;

/**
 * An upload over the server's limit ({@code spring.servlet.multipart.max-file-size} / {@code max-request-size}) is
 * 413 that names the limit: JSON {@code {status, field: "file", message}} on the API, a short page elsewhere. The
 * container reads the multipart body before any controller is chosen, so this must hold for every request, not only
 * for the import controllers.
 */
@ControllerAdvice
@ConditionalOnWebApplication // the import/export command line has no uploads (and no multipart settings)
@Order(Ordered.HIGHEST_PRECEDENCE)
record UploadTooLarge(MultipartProperties limits, JsonMapper json) {
    /**
     * The answer goes out with its length (not chunked): the container closes the connection after a refused upload,
     * and a client must still read the whole answer.
     */
    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<byte[]> tooLarge(MaxUploadSizeExceededException tooLarge, HttpServletRequest request) {
        String message = "the upload is larger than the server accepts: at most " + readable(limits.getMaxFileSize())
                + " per file and " + readable(limits.getMaxRequestSize()) + " per request";
        if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
            byte[] body = json.writeValueAsBytes(new ApiErrorBody(HttpStatus.CONTENT_TOO_LARGE.value(), "file", null, message));
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).contentType(MediaType.APPLICATION_JSON)
                    .contentLength(body.length).body(body);
        }
        byte[] page = ErrorPage.html(request.getContextPath(), "413 Content Too Large", "file", message)
                .getBytes(StandardCharsets.UTF_8);
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).header(HttpHeaders.CONTENT_TYPE, "text/html;charset=UTF-8")
                .contentLength(page.length).body(page);
    }

    /** 512MB, 64KB or 1000 bytes: as the setting is usually written. */
    private static String readable(DataSize size) {
        long bytes = size.toBytes();
        if (bytes % (1 << 20) == 0) {
            return bytes / (1 << 20) + "MB";
        }
        return bytes % 1024 == 0 ? bytes / 1024 + "KB" : bytes + " bytes";
    }
}
