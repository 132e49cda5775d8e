package io.itdr.server.api;

import io.itdr.core.act.ActionRefusedException;
import io.itdr.core.act.StaleActionException;
import io.itdr.core.audit.LedgerException;
import io.itdr.core.decide.policy.PolicyException;
import io.itdr.core.decide.policy.PolicyProblem;
import io.itdr.core.normalize.Printable;
import io.itdr.server.intake.Ingest;
import io.itdr.server.security.ProblemResponses;
import io.itdr.server.security.RoleRequiredException;
import io.itdr.spi.ConnectorException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error of the API as an RFC 9457 problem detail ({@code type}, {@code title},
 * {@code status}, {@code detail}, {@code instance}, plus named properties such as {@code field},
 * {@code refusal}, {@code requiredRole}, {@code errors}). Engine refusals keep their reason; a
 * failure inside the server answers 500 with a reference to the log entry and nothing of the
 * exception itself. Stateless and thread-safe.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private static final String INGEST_RETRY_AFTER_SECONDS = "1";
    /** A full backlog drains at thousands of events a second; a few seconds free room for a push. */
    private static final String BACKLOG_RETRY_AFTER_SECONDS = "5";

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> apiProblem(ApiProblem e, HttpServletRequest request) {
        return problem(e.status(), e.slug(), e.getMessage(), e.properties(), request);
    }

    /** Refusals of the engine: not found 404, self-approval 403, every other refusal 409 (the action's state forbids it). */
    @ExceptionHandler(ActionRefusedException.class)
    ResponseEntity<ProblemDetail> refused(ActionRefusedException e, HttpServletRequest request) {
        HttpStatus status = switch (e.refusal()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case SELF_APPROVAL -> HttpStatus.FORBIDDEN;
            case ILLEGAL_STATE, APPROVAL_EXPIRED, DIGEST_MISMATCH, KILL_SWITCH, NO_EXECUTOR, IRREVERSIBLE, DRIFT, NOTHING_TO_DO ->
                    HttpStatus.CONFLICT;
        };
        String refusal = e.refusal().name().toLowerCase(Locale.ROOT);
        return problem(status, refusal.replace('_', '-'), e.getMessage(), Map.of("refusal", refusal), request);
    }

    @ExceptionHandler(StaleActionException.class)
    ResponseEntity<ProblemDetail> stale(StaleActionException e, HttpServletRequest request) {
        return problem(HttpStatus.CONFLICT, "stale", e.getMessage() + "; read the action again", Map.of(), request);
    }

    @ExceptionHandler(RoleRequiredException.class)
    ResponseEntity<ProblemDetail> roleRequired(RoleRequiredException e, HttpServletRequest request) {
        return problem(HttpStatus.FORBIDDEN, "forbidden", e.getMessage(), Map.of("requiredRole", e.required().label()), request);
    }

    @ExceptionHandler(Ingest.UnknownConnectorException.class)
    ResponseEntity<ProblemDetail> unknownConnector(Ingest.UnknownConnectorException e, HttpServletRequest request) {
        return problem(HttpStatus.NOT_FOUND, "unknown-connector", e.getMessage(), Map.of(), request);
    }

    /**
     * A push passed an ingest limit: 413 for a payload too large (as sent or unpacked) or with too
     * many records, 429 with Retry-After when too many pushes run at once or the backlog of events
     * waiting to be processed is full. The problem names the
     * limit ({@code limit}, {@code property}) and what was processed before it.
     */
    @ExceptionHandler(Ingest.LimitExceededException.class)
    ResponseEntity<ProblemDetail> ingestLimit(Ingest.LimitExceededException e, HttpServletRequest request) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("limit", e.value());
        properties.put("property", e.limit().property());
        if (e.processed() != null) {
            properties.put("accepted", e.processed().accepted());
            properties.put("duplicates", e.processed().duplicates());
            properties.put("rejected", e.processed().rejected());
        }
        if (e.limit() == Ingest.Limit.CONCURRENT || e.limit() == Ingest.Limit.BACKLOG) {
            boolean backlog = e.limit() == Ingest.Limit.BACKLOG;
            ResponseEntity<ProblemDetail> response = problem(HttpStatus.TOO_MANY_REQUESTS, backlog ? "ingest-backlog-full" : "too-many-ingests",
                    e.getMessage(), properties, request);
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header(HttpHeaders.RETRY_AFTER, backlog ? BACKLOG_RETRY_AFTER_SECONDS : INGEST_RETRY_AFTER_SECONDS)
                    .body(response.getBody());
        }
        if (e.limit() != Ingest.Limit.RECORDS) {
            properties.put("maxBytes", e.value());
        }
        return problem(HttpStatus.CONTENT_TOO_LARGE, e.limit() == Ingest.Limit.RECORDS ? "too-many-records" : "payload-too-large",
                e.getMessage(), properties, request);
    }

    /** 422 with every problem located: {@code errors[{file, line, column, path, reason}]}. */
    @ExceptionHandler(PolicyException.class)
    ResponseEntity<ProblemDetail> invalidPolicy(PolicyException e, HttpServletRequest request) {
        List<Map<String, Object>> errors = e.problems().stream().map(ApiExceptionHandler::located).toList();
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-policy", "the policy is invalid: " + e.problems().size()
                + " problem(s), first " + e.problems().get(0), Map.of("errors", errors), request);
    }

    static Map<String, Object> located(PolicyProblem p) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("file", p.file());
        error.put("line", p.line());
        error.put("column", p.column());
        error.put("path", p.path());
        error.put("reason", p.reason());
        return error;
    }

    /**
     * A platform call failed: the connector's message says where (connectors keep secrets out of
     * it). Throttling and outages 503 (with Retry-After when the platform gave one), a timeout 504
     * (the outcome is unknown and will be reconciled), a rung the connector does not offer 422, a
     * conflict with the platform's state 409, anything else 502.
     */
    @ExceptionHandler(ConnectorException.class)
    ResponseEntity<ProblemDetail> connector(ConnectorException e, HttpServletRequest request) {
        HttpStatus status = switch (e.code()) {
            case THROTTLED, UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case TIMEOUT -> HttpStatus.GATEWAY_TIMEOUT;
            case NOT_SUPPORTED -> HttpStatus.UNPROCESSABLE_CONTENT;
            case NOT_FOUND, DRIFT, CONFLICT -> HttpStatus.CONFLICT;
            case CONFIG_INVALID, AUTHENTICATION_FAILED, PERMISSION_DENIED, MALFORMED_RESPONSE, CURSOR_INVALID, INTERNAL -> HttpStatus.BAD_GATEWAY;
        };
        ResponseEntity<ProblemDetail> response = problem(status, "connector-" + e.code().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                e.getMessage(), Map.of("code", e.code().name()), request);
        return e.retryAfter().map(wait -> ResponseEntity.status(status).header(HttpHeaders.RETRY_AFTER,
                Long.toString(Math.max(1, wait.toSeconds()))).body(response.getBody())).orElse(response);
    }

    /**
     * The database or the ledger refused a write (read-only, full, gone; the stores' StoreException is a
     * DataAccessException): 503, since nothing was
     * done and the same request may succeed once storage is back; logged with a reference. Health
     * {@code db} says DOWN meanwhile ({@link io.itdr.server.store.StorageHealth}).
     */
    @ExceptionHandler({LedgerException.class, DataAccessException.class})
    ResponseEntity<ProblemDetail> storage(RuntimeException e, HttpServletRequest request) {
        String reference = UUID.randomUUID().toString();
        LOG.error("{} {}: storage failed (reference {})", Printable.escape(request.getMethod()), Printable.escape(request.getRequestURI()),
                reference, e);
        ResponseEntity<ProblemDetail> response = problem(HttpStatus.SERVICE_UNAVAILABLE, "storage-unavailable",
                "the server cannot write to its database or ledger now; nothing was done. Try again later; the log holds the "
                        + "details under reference " + reference, Map.of("reference", reference), request);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "30").body(response.getBody());
    }

    /** Anything else is the server's fault: logged with a reference, answered without internals. */
    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<ProblemDetail> internal(RuntimeException e, HttpServletRequest request) {
        String reference = UUID.randomUUID().toString();
        LOG.error("{} {} failed (reference {})", Printable.escape(request.getMethod()), Printable.escape(request.getRequestURI()), reference, e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "the server failed to handle the request; the log "
                + "holds the details under reference " + reference, Map.of("reference", reference), request);
    }

    /** Unreadable JSON: name the field when Jackson knows it, never echo its internal message (it names classes). */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        String field = e.getCause() instanceof JacksonException jackson ? jackson.getPath().stream()
                .map(reference -> reference.getPropertyName() != null ? reference.getPropertyName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining(".")) : "";
        ProblemDetail body = field.isEmpty()
                ? detail(HttpStatus.BAD_REQUEST, "bad-input", "the request body is missing or is not the JSON this endpoint takes", Map.of())
                : detail(HttpStatus.BAD_REQUEST, "bad-input", field + ": has the wrong type or format", Map.of("field", field));
        return handleExceptionInternal(e, body, headers, HttpStatus.BAD_REQUEST, request);
    }

    /**
     * A parameter that does not convert ({@code limit=many}, a number that overflows): bad input
     * naming the parameter and the kind of value it takes, never the Java type or the exception.
     */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers, HttpStatusCode status,
                                                        WebRequest request) {
        String field = e instanceof MethodArgumentTypeMismatchException argument ? argument.getName()
                : e.getPropertyName() != null ? e.getPropertyName() : "parameter";
        Class<?> type = e.getRequiredType();
        String wanted = type == null ? "a valid value"
                : type == int.class || type == Integer.class ? "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE
                : type == long.class || type == Long.class ? "a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE
                : type == boolean.class || type == Boolean.class ? "true or false"
                : "a valid value";
        ProblemDetail body = detail(HttpStatus.BAD_REQUEST, "bad-input", field + ": must be " + wanted, Map.of("field", field));
        return handleExceptionInternal(e, body, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** Spring's own problems (405, 415, a missing or unconvertible parameter) get the request path as instance too. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        if (body instanceof ProblemDetail detail && detail.getInstance() == null && request instanceof ServletWebRequest servlet) {
            detail.setInstance(instance(servlet.getRequest()));
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String slug, String detail, Map<String, Object> properties,
                                                         HttpServletRequest request) {
        ProblemDetail body = detail(status, slug, detail, properties);
        body.setInstance(instance(request));
        return ResponseEntity.status(status).body(body);
    }

    /** The request's path (as sent, still URL-encoded); null in the unlikely case it is not a URI. */
    private static URI instance(HttpServletRequest request) {
        try {
            return URI.create(request.getRequestURI());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ProblemDetail detail(HttpStatus status, String slug, String detail, Map<String, Object> properties) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(URI.create(ProblemResponses.TYPE_PREFIX + slug));
        body.setTitle(status.getReasonPhrase());
        properties.forEach(body::setProperty);
        return body;
    }
}
