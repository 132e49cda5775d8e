package io.itdr.server.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security filters' answers as RFC 9457 problem details, like every other error of the API:
 * 401 (with {@code WWW-Authenticate: Bearer}), 403 naming the role the endpoint needs, and 400 for
 * a request the firewall rejected. Never echoes a presented credential. Thread-safe.
 */
public final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {
    /** Problem types are {@code urn:itdr:problem:<slug>}; the slugs are listed in API.md. */
    public static final String TYPE_PREFIX = "urn:itdr:problem:";

    private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
    private final JsonMapper json;

    public ProblemResponses(JsonMapper json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure) throws IOException {
        bearer.commence(request, response, failure); // status 401 and WWW-Authenticate
        String detail = failure instanceof OAuth2AuthenticationException
                ? "the bearer token was not accepted: " + failure.getMessage()
                : "authentication required: send 'Authorization: Bearer <itdr API token or OIDC JWT>'";
        write(request, response, HttpStatus.UNAUTHORIZED, "unauthenticated", detail, Map.of());
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied) throws IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        String held = authentication != null && authentication.getPrincipal() instanceof Caller caller
                ? (caller.roles().isEmpty() ? "no itdr role" : "the roles " + new TreeSet<>(caller.roles()).stream().map(Role::label).toList())
                : "no itdr role";
        var rule = AccessRules.ruleFor(request);
        if (rule.isPresent()) {
            write(request, response, HttpStatus.FORBIDDEN, "forbidden", request.getMethod() + " " + rule.get().pattern()
                    + " needs the role " + rule.get().role().label() + "; you have " + held, Map.of("requiredRole", rule.get().role().label()));
        } else {
            write(request, response, HttpStatus.FORBIDDEN, "forbidden", "no endpoint allows " + request.getMethod() + " here "
                    + "(everything not listed in API.md is denied)", Map.of());
        }
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected) throws IOException {
        write(request, response, HttpStatus.BAD_REQUEST, "request-rejected", "the request was rejected: " + rejected.getMessage(), Map.of());
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String slug, String detail,
                       Map<String, Object> properties) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", URI.create(TYPE_PREFIX + slug).toString());
        problem.put("title", status.getReasonPhrase());
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        problem.putAll(properties);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }
}
