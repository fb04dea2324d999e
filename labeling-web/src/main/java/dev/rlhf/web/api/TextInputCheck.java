package dev.rlhf.web.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Applies {@link TextInput} to every request the controllers see: every request parameter (query strings and forms,
 * multipart fields included: interceptors run after the multipart request is read) before the handler runs, and every
 * JSON body once it is read, whatever type it is read into (the field is its JSON path, e.g. {@code posts[2]}). A
 * refusal is 400 naming the field: JSON {@code {status, field, line, message}} on the API, a short page elsewhere.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class TextInputCheck extends RequestBodyAdviceAdapter implements HandlerInterceptor, WebMvcConfigurer {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).order(Ordered.HIGHEST_PRECEDENCE);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            String name = parameter.getKey();
            if (TextInput.problem(name) != null) {
                throw new TextInput.Refused(name.replace("\u0000", "\\u0000"),
                        "a parameter name " + TextInput.problem(name));
            }
            for (String value : parameter.getValue()) {
                TextInput.check(name, value);
            }
        }
        return true;
    }

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
                            Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
                                Class<? extends HttpMessageConverter<?>> converterType) {
        TextInput.check("", body);
        return body;
    }

    @ExceptionHandler(TextInput.Refused.class)
    ResponseEntity<?> refused(TextInput.Refused refused, HttpServletRequest request) {
        if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
            return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON)
                    .body(new ApiErrorBody(HttpStatus.BAD_REQUEST.value(), refused.field(), null, refused.getMessage()));
        }
        return ResponseEntity.badRequest().header(HttpHeaders.CONTENT_TYPE, "text/html;charset=UTF-8")
                .body(ErrorPage.html(request.getContextPath(), "400 Bad Request", refused.field(), refused.getMessage()));
    }
}
