package io.itdr.connector.aws;

import io.itdr.connector.aws.act.SecretsManagerClients;
import io.itdr.connector.aws.confirm.GuardDutyFindings;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.IamClientBuilder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The SDK clients of one connector, sharing one HTTP client and one credentials provider. Built
 * without calling AWS: credentials are resolved (and a role assumed) on the first call.
 * Endpoint overrides come from the host's {@link HttpSettings} per service ("iam", "sts",
 * "secretsmanager", "cloudtrail", "s3", "sqs", "guardduty"), for sandboxes and private endpoints. Secrets Manager clients
 * are made per region on first use, since a secret lives in the region its ARN names.
 * Thread-safe; {@link #close()} releases everything.
 */
final class AwsClients implements AutoCloseable {
    private final SdkHttpClient http;
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    final IamClient iam;
    final StsClient sts;
    final CloudTrailClient cloudTrail;
    /** The trail's bucket (ListObjectsV2, GetObject); path-style addressing when an endpoint is overridden. */
    final S3Client s3;
    /** The notification queue (ReceiveMessage, DeleteMessage). */
    final SqsClient sqs;
    private final ClientOverrideConfiguration overrides;
    private final AwsCredentialsProvider credentials;
    private final Optional<URI> secretsManagerEndpoint;
    private final ConcurrentHashMap<String, SecretsManagerClient> secretsManagers = new ConcurrentHashMap<>();
    private final String description;
    private final AwsSettings settings;
    private final Region region;
    private final Optional<URI> stsEndpoint;
    private final Optional<URI> iamEndpoint;
    private final AwsCredentialsProvider baseCredentials;
    private final ConcurrentHashMap<String, AccountClients> accounts = new ConcurrentHashMap<>();
    private final Optional<URI> guardDutyEndpoint;

    /** The clients that act in one other account, with the credentials of its assumed role. */
    record AccountClients(String roleArn, IamClient iam, SecretsManagerClients secrets) {
    }

    AwsClients(AwsSettings settings, HttpSettings httpSettings) {
        ApacheHttpClient.Builder httpBuilder = ApacheHttpClient.builder()
                .connectionTimeout(httpSettings.connectTimeout())
                .socketTimeout(httpSettings.requestTimeout());
        if (httpSettings.proxy() != null) {
            httpBuilder.proxyConfiguration(ProxyConfiguration.builder().endpoint(httpSettings.proxy()).build());
        }
        this.http = httpBuilder.build();
        ClientOverrideConfiguration overrides = ClientOverrideConfiguration.builder()
                .apiCallTimeout(httpSettings.requestTimeout())
                .retryStrategy(b -> b.maxAttempts(settings.maxAttempts()))
                .build();
        Region region = Region.of(settings.region());
        Optional<URI> stsEndpoint = httpSettings.endpoint("sts");
        Optional<URI> iamEndpoint = httpSettings.endpoint("iam");
        Optional<URI> cloudTrailEndpoint = httpSettings.endpoint("cloudtrail");

        AwsCredentialsProvider base = settings.hasStaticCredentials()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId().reveal(), settings.secretAccessKey().reveal()))
                : DefaultCredentialsProvider.builder().build();
        AwsCredentialsProvider credentials = base;
        this.overrides = overrides;
        this.settings = settings;
        this.region = region;
        this.stsEndpoint = stsEndpoint;
        this.iamEndpoint = iamEndpoint;
        this.baseCredentials = base;
        if (settings.assumeRoleArn() != null) {
            StsClient assumer = closing(stsClient(region, stsEndpoint, base, overrides));
            credentials = closing(StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(assumer)
                    .refreshRequest(r -> r.roleArn(settings.assumeRoleArn())
                            .roleSessionName(settings.roleSessionName())
                            .externalId(settings.externalId() == null ? null : settings.externalId().reveal()))
                    .build());
        }
        this.credentials = credentials;
        this.secretsManagerEndpoint = httpSettings.endpoint("secretsmanager");
        this.guardDutyEndpoint = httpSettings.endpoint("guardduty");
        // the health check asks who the connector acts as: with the assumed role's credentials
        this.sts = closing(stsClient(region, stsEndpoint, credentials, overrides));
        if (base instanceof AutoCloseable closeable) {
            closeables.add(closeable);
        }
        // with an endpoint override IAM is signed for the configured region (a sandbox); otherwise
        // the partition's global IAM endpoint is used
        IamClientBuilder iamBuilder = IamClient.builder().httpClient(http).overrideConfiguration(overrides)
                .credentialsProvider(credentials).region(iamEndpoint.isPresent() ? region : globalRegion(settings.region()));
        iamEndpoint.ifPresent(iamBuilder::endpointOverride);
        this.iam = closing(iamBuilder.build());
        // CloudTrail event history is regional: it holds the configured region's events (IAM's land in us-east-1)
        var cloudTrailBuilder = CloudTrailClient.builder().httpClient(http).overrideConfiguration(overrides).region(region)
                .credentialsProvider(credentials);
        cloudTrailEndpoint.ifPresent(cloudTrailBuilder::endpointOverride);
        this.cloudTrail = closing(cloudTrailBuilder.build());
        // trail delivery: a sandbox or private endpoint is addressed path-style (no bucket in the host name)
        Optional<URI> s3Endpoint = httpSettings.endpoint("s3");
        var s3Builder = S3Client.builder().httpClient(http).overrideConfiguration(overrides).region(region).credentialsProvider(credentials);
        s3Endpoint.ifPresent(uri -> s3Builder.endpointOverride(uri).forcePathStyle(true));
        this.s3 = closing(s3Builder.build());
        Optional<URI> sqsEndpoint = httpSettings.endpoint("sqs");
        var sqsBuilder = SqsClient.builder().httpClient(http).overrideConfiguration(overrides).region(region).credentialsProvider(credentials);
        sqsEndpoint.ifPresent(sqsBuilder::endpointOverride);
        this.sqs = closing(sqsBuilder.build());
        this.description = "region=" + settings.region() + ", iam=" + iamEndpoint.map(URI::toString).orElse("default")
                + ", sts=" + stsEndpoint.map(URI::toString).orElse("default")
                + ", secretsmanager=" + secretsManagerEndpoint.map(URI::toString).orElse("default")
                + ", cloudtrail=" + cloudTrailEndpoint.map(URI::toString).orElse("default")
                + ", s3=" + s3Endpoint.map(URI::toString).orElse("default") + ", sqs=" + sqsEndpoint.map(URI::toString).orElse("default");
    }

    private StsClient stsClient(Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials,
                                ClientOverrideConfiguration overrides) {
        var builder = StsClient.builder().httpClient(http).overrideConfiguration(overrides).region(region).credentialsProvider(credentials);
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** The Secrets Manager client of {@code region} ("eu-west-1"), made on first use. */
    SecretsManagerClient secretsManager(String region) {
        return secretsManagers.computeIfAbsent(region, name -> secretsManager(name, credentials));
    }

    private SecretsManagerClient secretsManager(String name, AwsCredentialsProvider with) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder().httpClient(http).overrideConfiguration(overrides)
                .credentialsProvider(with).region(Region.of(name));
        secretsManagerEndpoint.ifPresent(builder::endpointOverride);
        return closing(builder.build());
    }

    /** GuardDuty's GetFindings, signed with this connector's credentials, over its HTTP client. */
    GuardDutyFindings guardDuty() {
        return new GuardDutyFindings(http, credentials, guardDutyEndpoint);
    }

    /**
     * The clients acting in {@code account} (12 digits) with the role of account-role-arn-template,
     * assumed with the base credentials (and external-id) on first use and kept until close.
     *
     * @throws ConnectorException PERMISSION_DENIED naming the role when it cannot be assumed (nothing is cached then)
     */
    AccountClients forAccount(String account) {
        if (settings.accountRoleArnTemplate() == null) {
            throw new IllegalStateException("no account-role-arn-template configured");
        }
        return accounts.computeIfAbsent(account, this::assume);
    }

    private AccountClients assume(String account) {
        String roleArn = settings.accountRoleArn(account);
        StsClient assumer = stsClient(region, stsEndpoint, baseCredentials, overrides);
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder().stsClient(assumer)
                .refreshRequest(r -> r.roleArn(roleArn).roleSessionName(settings.roleSessionName())
                        .externalId(settings.externalId() == null ? null : settings.externalId().reveal()))
                .build();
        try {
            // assumed now, so that a role that cannot be assumed is refused before anything is planned in that account
            provider.resolveCredentials();
        } catch (SdkException e) {
            provider.close();
            assumer.close();
            ConnectorException cause = AwsErrors.translate("sts:AssumeRole", roleArn, e);
            throw new ConnectorException(ErrorCode.PERMISSION_DENIED, "cannot act in account " + account + ": sts:AssumeRole on "
                    + roleArn + " failed (" + cause.getMessage() + ")", e);
        }
        closing(assumer);
        closing(provider);
        IamClientBuilder iamBuilder = IamClient.builder().httpClient(http).overrideConfiguration(overrides)
                .credentialsProvider(provider).region(iamEndpoint.isPresent() ? region : globalRegion(settings.region()));
        iamEndpoint.ifPresent(iamBuilder::endpointOverride);
        IamClient accountIam = closing(iamBuilder.build());
        ConcurrentHashMap<String, SecretsManagerClient> byRegion = new ConcurrentHashMap<>();
        return new AccountClients(roleArn, accountIam, name -> byRegion.computeIfAbsent(name, n -> secretsManager(n, provider)));
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    static Region globalRegion(String region) {
        if (region.startsWith("cn-")) {
            return Region.AWS_CN_GLOBAL;
        }
        return region.startsWith("us-gov-") ? Region.AWS_US_GOV_GLOBAL : Region.AWS_GLOBAL;
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // closing is best effort: one failure must not keep the others open
            }
        }
        http.close();
    }

    @Override
    public String toString() {
        return description;
    }
}
