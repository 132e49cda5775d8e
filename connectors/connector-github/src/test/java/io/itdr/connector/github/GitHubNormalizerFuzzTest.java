package io.itdr.connector.github;

import io.itdr.connector.tck.NormalizerFuzzTck;
import io.itdr.connector.tck.Sandbox;
import io.itdr.spi.ConnectorFactory;

/**
 * Generator fuzzing of the GitHub normalizer (organization audit log events) from a realistic export of the
 * sandbox, one record of it malformed ({@link NormalizerFuzzTck}): every payload is read, each record an
 * event or a rejection with where and why, or refused as a whole with a reason; no exception escapes.
 * 200 tries in a build (connectors/pom.xml {@code itdr.fuzz.tries}); {@code -Ditdr.fuzz.tries=N} runs longer.
 */
class GitHubNormalizerFuzzTest extends NormalizerFuzzTck {
    @Override
    protected ConnectorFactory factory() {
        return new GitHubConnectorFactory();
    }

    @Override
    protected Sandbox newSandbox() {
        return new GitHubSandbox("Bearer fuzz-token", false);
    }
}
