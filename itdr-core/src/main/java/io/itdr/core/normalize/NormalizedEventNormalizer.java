package io.itdr.core.normalize;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.UncheckedIOException;

/**
 * Reads the project's own normalized format (JSON Lines of {@link EventJson}, gzip or not), the
 * {@code normalized} source of replay. Every line becomes an event or a rejection naming
 * {@code file:line} and the field at fault; nothing stops the rest of the file.
 *
 * <p>Thread-safe: each call keeps its own state.
 */
public final class NormalizedEventNormalizer implements EventNormalizer {
    /** The source id under which replay offers this format. */
    public static final String SOURCE_ID = "normalized";

    private final int maxLineBytes;

    public NormalizedEventNormalizer() {
        this(JsonLines.DEFAULT_MAX_LINE_BYTES);
    }

    public NormalizedEventNormalizer(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public void normalize(RawPayload payload, NormalizationSink sink) {
        String name = Printable.escape(payload.name());
        try {
            new JsonLines(maxLineBytes).read(payload.body(), new JsonLines.LineHandler() {
                @Override
                public void line(long lineNumber, String text) {
                    try {
                        sink.accept(EventJson.read(text), name + ":" + lineNumber);
                    } catch (InvalidEventException e) {
                        sink.reject(new Rejection(name + ":" + lineNumber, e.getMessage()));
                    }
                }

                @Override
                public void line(long lineNumber, byte[] bytes, int offset, int length) {
                    try {
                        sink.accept(EventJson.read(bytes, offset, length), name + ":" + lineNumber);
                    } catch (InvalidEventException e) {
                        sink.reject(new Rejection(name + ":" + lineNumber, e.getMessage()));
                    }
                }

                @Override
                public void unreadable(long lineNumber, String reason) {
                    sink.reject(new Rejection(name + ":" + lineNumber, reason));
                }
            });
        } catch (UncheckedIOException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE,
                    name + ": stream cannot be read further: " + Printable.clip(e.getCause().getMessage(), 200), e);
        }
    }
}
