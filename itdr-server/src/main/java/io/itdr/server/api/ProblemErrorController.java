package io.itdr.server.api;

import io.itdr.server.security.ProblemResponses;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors answered before a controller is reached (a method the container refuses such as TRACE, a
 * request the container cannot parse) as problem details like every other error of the API,
 * instead of Spring Boot's own error body: the status's reason as slug ({@code
 * urn:itdr:problem:method-not-allowed}), the original path as instance, nothing of the exception.
 * Stateless and thread-safe.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value && HttpStatus.resolve(value) != null && value >= 400
                ? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
        String slug = status == HttpStatus.INTERNAL_SERVER_ERROR ? "internal"
                : status.getReasonPhrase().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail(status));
        body.setType(URI.create(ProblemResponses.TYPE_PREFIX + slug));
        body.setTitle(status.getReasonPhrase());
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (path instanceof String uri) {
            try {
                body.setInstance(URI.create(uri));
            } catch (IllegalArgumentException e) {
                // a path that is not a URI is left out rather than echoed
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    private static String detail(HttpStatus status) {
        return switch (status) {
            case METHOD_NOT_ALLOWED -> "this method is not allowed here";
            case BAD_REQUEST -> "the request could not be read";
            case NOT_FOUND -> "nothing is here";
            default -> status.is5xxServerError() ? "the server failed to handle the request" : "the request was refused";
        };
    }
}
