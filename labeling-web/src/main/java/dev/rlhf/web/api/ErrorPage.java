package dev.rlhf.web.api;

import org.springframework.web.util.HtmlUtils;

/** The short HTML page of a refused page request: what happened, the field at fault (or none), and a way back. */
public final class ErrorPage {
    private ErrorPage() {
    }

    public static String html(String contextPath, String title, String field, String message) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + HtmlUtils.htmlEscape(title)
                + "</title><link rel=\"stylesheet\" href=\"" + contextPath + "/css/app.css\"></head><body><main class=\"page\">"
                + "<h1>" + HtmlUtils.htmlEscape(title) + "</h1><p class=\"error\">"
                + (field == null ? "" : "<strong id=\"field\">" + HtmlUtils.htmlEscape(field) + "</strong>: ")
                + HtmlUtils.htmlEscape(message) + "</p><p><a href=\"" + contextPath + "/\">Back to your start page</a></p>"
                + "</main></body></html>";
    }
}
