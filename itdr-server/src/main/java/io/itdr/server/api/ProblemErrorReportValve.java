package io.itdr.server.api;

import io.itdr.server.security.ProblemResponses;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's answer to a request it refuses before any servlet sees it (a {@code %00} or {@code %5C}
 * in the path, a malformed request line) as a problem detail instead of Tomcat's HTML page:
 * type, title, status and a fixed detail; no instance, since the path is what was wrong, and
 * nothing of the exception. Errors the application answered itself are left as they are.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus status = HttpStatus.resolve(code);
        String title = status == null ? "Error" : status.getReasonPhrase();
        String slug = status == HttpStatus.INTERNAL_SERVER_ERROR ? "internal" : title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        String detail = code >= 500 ? "the server failed to handle the request" : "the request could not be read";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"type\":\"" + ProblemResponses.TYPE_PREFIX + slug + "\",\"title\":\"" + title + "\",\"status\":" + code
                        + ",\"detail\":\"" + detail + "\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away or the response was committed meanwhile: nothing more to say
        }
    }
}
