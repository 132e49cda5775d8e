package io.itdr.server.api;

import java.util.Map;
import java.util.Objects;
import org.springframework.http.HttpStatus;

/**
 * An error the API answers with a problem detail of its own type ({@code urn:itdr:problem:<slug>}):
 * bad input naming the field, an unknown id, a conflict with the server's state, a body too large.
 * The message is the problem's detail and must be safe to show (no secrets, no internals).
 * Immutable.
 */
public class ApiProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final HttpStatus status;
    private final String slug;
    private final transient Map<String, Object> properties;

    public ApiProblem(HttpStatus status, String slug, String detail, Map<String, Object> properties) {
        super(Objects.requireNonNull(detail, "detail"));
        this.status = Objects.requireNonNull(status, "status");
        this.slug = Objects.requireNonNull(slug, "slug");
        this.properties = Map.copyOf(properties);
    }

    /** 400: {@code field} is missing or wrong; the problem carries {@code field}. */
    public static ApiProblem badInput(String field, String reason) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, "bad-input", field + ": " + reason, Map.of("field", field));
    }

    /** 404: no {@code what} has this id. */
    public static ApiProblem notFound(String what, String id) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", "no " + what + " '" + id + "'", Map.of());
    }

    public static ApiProblem conflict(String slug, String detail) {
        return new ApiProblem(HttpStatus.CONFLICT, slug, detail, Map.of());
    }

    /** 413: the body is larger than {@code maxBytes}. */
    public static ApiProblem tooLarge(String what, long maxBytes) {
        return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", what + " is larger than the limit of "
                + maxBytes + " bytes", Map.of("maxBytes", maxBytes));
    }

    public HttpStatus status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
