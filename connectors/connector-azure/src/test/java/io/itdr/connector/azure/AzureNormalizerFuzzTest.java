package io.itdr.connector.azure;

import io.itdr.connector.tck.NormalizerFuzzTck;
import io.itdr.connector.tck.Sandbox;
import io.itdr.spi.ConnectorFactory;

/**
 * Generator fuzzing of the Microsoft Entra normalizer (Graph directory audit and sign-in logs) from a realistic export of the
 * sandbox, one record of it malformed ({@link NormalizerFuzzTck}): every payload is read, each record an
 * event or a rejection with where and why, or refused as a whole with a reason; no exception escapes.
 * 200 tries in a build (connectors/pom.xml {@code itdr.fuzz.tries}); {@code -Ditdr.fuzz.tries=N} runs longer.
 */
class AzureNormalizerFuzzTest extends NormalizerFuzzTck {
    @Override
    protected ConnectorFactory factory() {
        return new AzureConnectorFactory();
    }

    @Override
    protected Sandbox newSandbox() {
        return new AzureSandbox(TckCredentials.TOKEN);
    }
}
