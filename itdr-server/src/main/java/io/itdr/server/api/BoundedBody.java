package io.itdr.server.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * Reads a request body whole, refusing it (413) beyond a limit: at once when the declared
 * Content-Length is larger, else as soon as the bytes read pass the limit (chunked bodies). Whole,
 * so a payload is processed all or nothing, never cut off half-way. Stateless.
 */
final class BoundedBody {
    private BoundedBody() {
    }

    /** @param what names the body in the 413 detail ("the payload") */
    static byte[] read(HttpServletRequest request, long maxBytes, String what) {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw ApiProblem.tooLarge(what, maxBytes);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
        byte[] buffer = new byte[8192];
        long total = 0;
        try (InputStream in = request.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
                if (total > maxBytes) {
                    throw ApiProblem.tooLarge(what, maxBytes);
                }
                body.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "unreadable-body", "the request body could not be read to its end", Map.of());
        }
        return body.toByteArray();
    }
}
