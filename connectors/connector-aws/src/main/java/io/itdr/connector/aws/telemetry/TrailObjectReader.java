package io.itdr.connector.aws.telemetry;

import io.itdr.connector.aws.AwsErrors;
import io.itdr.connector.aws.normalize.CloudTrailNormalizer;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Objects;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads one trail log file (or one message body) into a batch, from a record index on and up to a
 * budget, so a file larger than a batch is delivered over several polls with the index in the
 * cursor. S3 objects never change once written, so reading a file again from the same index gives
 * the same records.
 *
 * <p>Each record becomes an event (with its location and raw record, as the normalizer gives
 * them) or a rejection naming the file and the record. A file that cannot be read to its end
 * (not JSON, truncated or corrupt gzip, a size limit) keeps what was read before the break and
 * adds one rejection for the rest, so one bad file never blocks the queue or the scan.
 * Stateless and thread-safe.
 */
final class TrailObjectReader {
    /** How far one read got. */
    record Progress(long consumed, boolean finished) {
    }

    private final S3Client s3;
    private final CloudTrailNormalizer normalizer;

    TrailObjectReader(S3Client s3, CloudTrailNormalizer normalizer) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    }

    /**
     * Reads {@code s3://bucket/key} (GetObject, https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html)
     * into {@code out}, skipping its first {@code skip} records and taking at most {@code budget}.
     *
     * @throws ConnectorException when S3 fails (retriable or terminal); a missing object is a rejection
     */
    Progress readObject(String bucket, String key, long skip, int budget, CollectingSink out) {
        String name = "s3://" + bucket + "/" + key;
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = AwsErrors.call("s3:GetObject", name, () -> s3.getObject(b -> b.bucket(bucket).key(key)));
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND && skip == 0) {
                // announced, then deleted (a lifecycle rule, an operator): nothing to read, and nothing to wait for
                out.reject(new Rejection(name, "the object is gone (NoSuchKey): " + e.getMessage()));
                return new Progress(1, true);
            }
            throw e;
        }
        try (InputStream in = body) {
            return read(name, in, skip, budget, out);
        } catch (java.io.IOException closing) {
            return new Progress(skip, true); // read to its end already; a failure to close loses nothing
        }
    }

    /** Reads one SQS message body (an EventBridge event) the same way. */
    Progress readBody(String name, String body, long skip, int budget, CollectingSink out) {
        return read(name, new ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)), skip, budget, out);
    }

    private Progress read(String name, InputStream in, long skip, int budget, CollectingSink out) {
        Window window = new Window(skip, budget, out);
        try {
            normalizer.normalize(new RawPayload(name, "application/json", in), window);
        } catch (Window.Full full) {
            return new Progress(window.index - 1, false);
        } catch (ConnectorException unreadable) {
            if (unreadable.code() != ErrorCode.MALFORMED_RESPONSE) {
                throw unreadable;
            }
            // the file breaks off: what came before stands, the rest is one rejection (counted once: it is the file's last "record")
            if (window.index >= skip) {
                if (window.taken >= budget) {
                    return new Progress(window.index, false);
                }
                out.reject(new Rejection(name + ":record " + (window.index + 1), "unreadable from here on: " + unreadable.getMessage()));
            }
            return new Progress(window.index + 1, true);
        }
        return new Progress(window.index, true);
    }

    /** Passes records {@code skip+1 ..} on until the budget is spent, then stops the reading. */
    private static final class Window implements NormalizationSink {
        /** Thrown to stop reading a file once the batch is full; never leaves this class. */
        static final class Full extends RuntimeException {
            Full() {
                super(null, null, false, false);
            }
        }

        private final long skip;
        private final int budget;
        private final CollectingSink out;
        long index;
        int taken;

        Window(long skip, int budget, CollectingSink out) {
            this.skip = skip;
            this.budget = budget;
            this.out = out;
        }

        private boolean take() {
            index++;
            if (index <= skip) {
                return false;
            }
            if (taken >= budget) {
                throw new Full();
            }
            taken++;
            return true;
        }

        @Override
        public void accept(IdentityEvent event) {
            accept(event, null, null);
        }

        @Override
        public void accept(IdentityEvent event, String location) {
            accept(event, location, null);
        }

        @Override
        public void accept(IdentityEvent event, String location, String record) {
            if (take()) {
                out.accept(event, location, record);
            }
        }

        @Override
        public void reject(Rejection rejection) {
            if (take()) {
                out.reject(rejection);
            }
        }
    }
}
