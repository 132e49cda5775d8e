package io.itdr.connector.aws.act;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The Secrets Manager client for a region: a secret lives in the region its ARN names, so
 * rotation asks for the client of that region. Implementations are thread-safe and own the
 * clients they hand out.
 */
@FunctionalInterface
public interface SecretsManagerClients {

    /** The client of {@code region} ("us-east-1"); never null. */
    SecretsManagerClient forRegion(String region);
}
