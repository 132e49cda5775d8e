package io.itdr.connector.aws;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.config.Secret;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The AWS connector's configuration, validated as a whole. {@link #toString()} never shows a
 * secret. Immutable.
 *
 * @param region          region for STS and CloudTrail ("us-east-1"); IAM is global in its partition; never null
 * @param accessKeyId     static credentials; null to use the default provider chain
 * @param secretAccessKey with {@code accessKeyId}; null otherwise
 * @param assumeRoleArn   a role to assume (STS AssumeRole) with the base credentials; may be null
 * @param externalId      the external id the role's trust policy requires; may be null
 * @param roleSessionName the session name of the assumed role, shown in CloudTrail; never null
 * @param maxAttempts     SDK attempts per call, retries included (1 = no retry); at least 1
 * @param accountRoleArnTemplate a role ARN with {@code {account}} in place of the account id, assumed
 *                        (with {@code externalId}) to act on a target in another account; null to act
 *                        in the base account only
 */
public record AwsSettings(String region, Secret accessKeyId, Secret secretAccessKey, String assumeRoleArn,
                          Secret externalId, String roleSessionName, int maxAttempts, String accountRoleArnTemplate) {
    static final String REGION = "region";
    static final String ACCESS_KEY_ID = "access-key-id";
    static final String SECRET_ACCESS_KEY = "secret-access-key";
    static final String ASSUME_ROLE_ARN = "assume-role-arn";
    static final String EXTERNAL_ID = "external-id";
    static final String ROLE_SESSION_NAME = "role-session-name";
    static final String MAX_ATTEMPTS = "max-attempts";
    static final String ACCOUNT_ROLE_ARN_TEMPLATE = "account-role-arn-template";
    /** The placeholder of {@link #accountRoleArnTemplate}. */
    static final String ACCOUNT = "{account}";

    private static final Pattern REGION_NAME = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

    /** The properties the factory declares. */
    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(REGION, ConfigType.STRING,
                    "AWS region for STS and CloudTrail calls, e.g. us-east-1. IAM is global; its events are recorded in us-east-1.",
                    "us-east-1"),
            ConfigProperty.secret(ACCESS_KEY_ID,
                    "Access key id of static credentials for the connector. Leave empty to use the default AWS credentials "
                            + "provider chain (environment, profile, container or instance role).", false),
            ConfigProperty.secret(SECRET_ACCESS_KEY, "Secret access key belonging to access-key-id.", false),
            ConfigProperty.optional(ASSUME_ROLE_ARN, ConfigType.STRING,
                    "ARN of an IAM role the connector assumes with STS (cross-account access), e.g. "
                            + "arn:aws:iam::123456789012:role/itdr-responder. Leave empty to act with the base credentials.", null),
            ConfigProperty.secret(EXTERNAL_ID, "External id required by the assumed roles' trust policies; only with assume-role-arn or account-role-arn-template.", false),
            ConfigProperty.optional(ROLE_SESSION_NAME, ConfigType.STRING,
                    "Session name of the assumed role, as CloudTrail will show it (2-64 characters of [A-Za-z0-9_+=,.@-]).", "itdr"),
            ConfigProperty.optional(MAX_ATTEMPTS, ConfigType.INT,
                    "Attempts the AWS SDK makes per call, retries included (1 turns SDK retries off and leaves retrying to the host).",
                    "3"),
            ConfigProperty.optional(ACCOUNT_ROLE_ARN_TEMPLATE, ConfigType.STRING,
                    "Role to assume for acting on a target in another account, with {account} in place of the account id, e.g. "
                            + "arn:aws:iam::{account}:role/itdr-responder. Assumed with the base credentials (and external-id). "
                            + "Leave empty to act in the base account only.", null));

    public AwsSettings {
        if (region == null || !REGION_NAME.matcher(region).matches()) {
            throw invalid(REGION, "expected a region name such as us-east-1, got '" + region + "'");
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw invalid(accessKeyId == null ? ACCESS_KEY_ID : SECRET_ACCESS_KEY,
                    "access-key-id and secret-access-key are given together or not at all");
        }
        if (assumeRoleArn != null && !ROLE_ARN.matcher(assumeRoleArn).matches()) {
            throw invalid(ASSUME_ROLE_ARN, "expected an IAM role ARN such as arn:aws:iam::123456789012:role/name, got '" + assumeRoleArn + "'");
        }
        if (accountRoleArnTemplate != null && (!accountRoleArnTemplate.contains(ACCOUNT)
                || !ROLE_ARN.matcher(accountRoleArnTemplate.replace(ACCOUNT, "123456789012")).matches())) {
            throw invalid(ACCOUNT_ROLE_ARN_TEMPLATE, "expected an IAM role ARN with {account} as its account id, such as "
                    + "arn:aws:iam::{account}:role/itdr-responder, got '" + accountRoleArnTemplate + "'");
        }
        if (externalId != null && assumeRoleArn == null && accountRoleArnTemplate == null) {
            throw invalid(EXTERNAL_ID, "is only used with assume-role-arn or account-role-arn-template");
        }
        if (roleSessionName == null || !SESSION_NAME.matcher(roleSessionName).matches()) {
            throw invalid(ROLE_SESSION_NAME, "expected 2-64 characters of [A-Za-z0-9_+=,.@-], got '" + roleSessionName + "'");
        }
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw invalid(MAX_ATTEMPTS, "expected 1 to 10, got " + maxAttempts);
        }
    }

    static AwsSettings from(ConnectorConfig config) {
        return new AwsSettings(config.string(REGION).orElse("us-east-1"), config.secret(ACCESS_KEY_ID).orElse(null),
                config.secret(SECRET_ACCESS_KEY).orElse(null), config.string(ASSUME_ROLE_ARN).orElse(null),
                config.secret(EXTERNAL_ID).orElse(null), config.string(ROLE_SESSION_NAME).orElse("itdr"),
                config.integer(MAX_ATTEMPTS).orElse(3), config.string(ACCOUNT_ROLE_ARN_TEMPLATE).orElse(null));
    }

    /** The role to assume for acting in {@code account}: the template filled in; null when no template is set. */
    public String accountRoleArn(String account) {
        return accountRoleArnTemplate == null ? null : accountRoleArnTemplate.replace(ACCOUNT, account);
    }

    /** Whether static credentials are configured (else the default provider chain is used). */
    public boolean hasStaticCredentials() {
        return accessKeyId != null;
    }

    private static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'aws': " + property + ": " + reason);
    }

    @Override
    public String toString() {
        return "AwsSettings[region=" + region + ", credentials=" + (hasStaticCredentials() ? "static (****)" : "default chain")
                + (assumeRoleArn == null ? "" : ", assumeRole=" + assumeRoleArn + (externalId == null ? "" : " (external id ****)"))
                + (accountRoleArnTemplate == null ? "" : ", accountRole=" + accountRoleArnTemplate)
                + ", roleSessionName=" + roleSessionName + ", maxAttempts=" + maxAttempts + "]";
    }
}
