package io.itdr.connector.support;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A response body read while it streams, whose read failures (a read timeout, a reset connection) leave as
 * {@link UncheckedIOException}: a normalizer reading the page then cannot take a broken connection for an
 * unreadable page, and the source reports it as the transport failure it is. Not thread-safe, like the stream.
 */
public final class TransportGuard extends FilterInputStream {
    public TransportGuard(InputStream in) {
        super(in);
    }

    @Override
    public int read() {
        try {
            return super.read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
