package io.itdr.generate;

import static io.itdr.fixture.record.Rendering.mix;

import io.itdr.fixture.aws.CloudTrailRecords;
import io.itdr.fixture.record.Rendering;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How AWS principals sign and where their calls come from, as CloudTrail shows them. Every choice
 * here cites the AWS page that documents it; nothing here looks at what a detector fires on.
 *
 * <ul>
 *   <li>IAM users sign with long-term access keys {@code AKIA…}; temporary keys {@code ASIA…} exist
 *       only when an STS call issued them (GetSessionToken, GetFederationToken, AssumeRole*), and
 *       that call is in the trail
 *       (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html,
 *       https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html).</li>
 *   <li>Roles have no access keys: an EC2 instance profile's credentials are issued by
 *       {@code ec2.amazonaws.com} calling AssumeRole with the instance id as the role session name
 *       ({@code userIdentity.type} AWSService, {@code invokedBy}; the session's
 *       {@code ec2RoleDelivery} says IMDS v1 or v2:
 *       https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html,
 *       https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html); a Lambda
 *       function's session is named after the function
 *       (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html); an ECS task's
 *       after the task id (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html);
 *       a GitHub Actions job assumes its role with AssumeRoleWithWebIdentity, session
 *       {@code GitHubActions} by default
 *       (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services,
 *       https://github.com/aws-actions/configure-aws-credentials).</li>
 *   <li>{@code sourceIPAddress} is the NAT gateway's public address for calls leaving a VPC, the
 *       caller's private address for calls through a VPC endpoint (with {@code vpcEndpointId}), and
 *       the service's name when a service calls on the principal's behalf (S3 asking KMS to decrypt
 *       an SSE-KMS object) or {@code AWS Internal}
 *       (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html,
 *       https://docs.aws.amazon.com/kms/latest/developerguide/services-s3.html).</li>
 *   <li>Data events (S3 objects, DynamoDB items, SQS messages, Lambda invocations) are delivered only
 *       by trails with data-event selectors, to S3; CloudTrail event history (LookupEvents) never
 *       holds them (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html,
 *       https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).</li>
 * </ul>
 * Stateless; deterministic functions of the seed.
 */
final class AwsEstate {
    /** How an AWS identity gets the credentials it signs with. */
    enum Signing { LONG_TERM_KEY, SESSION_TOKEN, INSTANCE_PROFILE, LAMBDA, ECS_TASK, GITHUB_OIDC }

    /** Accounts of the estate; the first two have trails with data-event selectors, the third logs management events only. */
    static final List<String> ACCOUNTS = List.of("111122223333", "111122223334", "111122223335");

    static final String REGION = "us-east-1";
    /** GitHub's OIDC provider, as the IAM OIDC provider registered for it is named. */
    static final String GITHUB_PROVIDER = "token.actions.githubusercontent.com";

    private AwsEstate() {
    }

    static boolean logsDataEvents(String account) {
        return !account.equals(ACCOUNTS.get(2));
    }

    /** Data events per the CloudTrail page on data events: object-, item- and message-level calls. */
    static boolean isDataEvent(String action) {
        int colon = action.indexOf(':');
        return colon > 0 && CloudTrailRecords.isDataEvent(action.substring(0, colon), action.substring(colon + 1));
    }

    /** A long-term access key id: AKIA and 16 characters of [A-Z2-7]. */
    static String accessKey(long seed, String owner, int generation) {
        return "AKIA" + base32(mix(seed, (owner + "#" + generation).hashCode()), mix(seed + 7, owner.hashCode() * 31L + generation));
    }

    /** A temporary key id: ASIA and 16 characters, one per issued session. */
    static String sessionKey(long seed, String principal, String sessionName, long issuedEpochSecond) {
        long a = mix(seed, (principal + "/" + sessionName).hashCode() * 1_000_003L + issuedEpochSecond);
        return "ASIA" + base32(a, mix(a, issuedEpochSecond));
    }

    /** An EC2 instance id as AWS gives them since 2016: i- and 17 hex digits. */
    static String instanceId(long seed, int identity, int n) {
        return "i-0" + String.format("%016x", mix(seed ^ 0xEC2L, identity * 64L + n)).substring(0, 16);
    }

    /** An ECS task id: 32 hex digits. */
    static String taskId(long seed, int identity, int n, int generation) {
        return String.format("%016x%016x", mix(seed ^ 0xEC5L, identity * 64L + n), mix(seed ^ 0xEC6L, identity * 1024L + generation));
    }

    static String vpcEndpointId(long seed, int vpc) {
        return "vpce-0" + String.format("%016x", mix(seed ^ 0x7BCEL, vpc)).substring(0, 16);
    }

    /**
     * Public addresses of NAT gateways: Elastic IPs in Amazon's us-east-1 ranges (AS 14618 and
     * 16509 announce them). {@code count} distinct ones for a VPC.
     */
    static List<String> natAddresses(long seed, int vpc, int count) {
        String[] prefixes = {"3.208.", "3.213.", "34.193.", "44.194.", "52.4.", "54.86.", "18.206.", "35.168."};
        SplittableRandom r = new SplittableRandom(mix(seed ^ 0x4A7L, vpc));
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(k -> prefixes[r.nextInt(prefixes.length)] + r.nextInt(256) + "." + (1 + r.nextInt(254))).toList();
    }

    /** Addresses Lambda functions outside a VPC call from: AWS's shared ranges, changing with cold starts. */
    static String lambdaAddress(SplittableRandom r) {
        String[] prefixes = {"3.80.", "3.85.", "34.224.", "34.229.", "52.90.", "54.144.", "100.24.", "107.21."};
        return prefixes[r.nextInt(prefixes.length)] + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    /**
     * GitHub-hosted runners run on Azure in several regions, one address per job; a few of the
     * ranges GitHub publishes at https://api.github.com/meta ("actions").
     */
    static String runnerAddress(SplittableRandom r) {
        String[] prefixes = {"4.148.", "4.152.", "13.64.", "13.83.", "20.1.", "20.42.", "20.57.", "20.81.", "20.102.", "20.161.",
                "40.75.", "40.84.", "51.8.", "52.146.", "52.225.", "172.172.", "172.183."};
        return prefixes[r.nextInt(prefixes.length)] + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    /** The user agent of an SDK at a version that moves when the workload is redeployed. */
    static String sdkAgent(int flavour, int build, String execEnv) {
        return switch (Math.floorMod(flavour, 3)) {
            case 0 -> "aws-sdk-java/2.25." + (40 + build) + " Linux/5.10.225-213.878.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS"
                    + " Java/17.0.12 vendor/Amazon.com_Inc." + (execEnv == null ? "" : " exec-env/" + execEnv) + " io/sync http/Apache cfg/retry-mode/legacy";
            case 1 -> "Boto3/1.34." + (100 + build) + " md/Botocore#1.34." + (100 + build) + " ua/2.0 os/linux#5.10.225 md/arch#x86_64"
                    + " lang/python#3.11.9 md/pyimpl#CPython" + (execEnv == null ? "" : " exec-env/" + execEnv) + " cfg/retry-mode#legacy Botocore/1.34." + (100 + build);
            default -> "aws-sdk-go-v2/1.30." + build + " ua/2.1 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64"
                    + (execEnv == null ? "" : " exec-env/" + execEnv);
        };
    }

    static final String TERRAFORM_AGENT = "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.70.0"
            + " (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/iam#1.37.1";
    static final String CONFIGURE_CREDENTIALS_AGENT = "aws-sdk-nodejs/3.637.0 linux/v20.17.0 configure-aws-credentials-for-github-actions";
    static final String CLI_AGENT = "aws-cli/2.17.50 md/awscrt#0.21.2 ua/2.0 os/linux#6.5.0-1025-azure md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#";
    static final String ADMIN_CLI_AGENT = "aws-cli/2.17.43 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#";

    private static String base32(long a, long b) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder s = new StringBuilder(16);
        for (int k = 0; k < 16; k++) {
            long v = k < 12 ? a >>> (5 * k) : b >>> (5 * (k - 12));
            s.append(alphabet.charAt((int) (v & 31)));
        }
        return s.toString().toUpperCase(Locale.ROOT);
    }

    /** A short stable hex tag for ids. */
    static String tag(String text) {
        return Rendering.hex(text, 8).toLowerCase(Locale.ROOT);
    }
}
