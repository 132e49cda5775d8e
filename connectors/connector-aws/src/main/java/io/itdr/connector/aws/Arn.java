package io.itdr.connector.aws;

import java.util.Objects;
import java.util.Optional;

/**
 * An Amazon Resource Name, {@code arn:partition:service:region:account:resource}
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). Immutable.
 *
 * @param partition "aws", "aws-cn", "aws-us-gov"; never null
 * @param service   "iam", "sts", ...; never null
 * @param region    empty for global services such as IAM; never null
 * @param account   the account id, empty for AWS-managed policies ("aws" in their ARN); never null
 * @param resource  "user/path/name", "role/name", "assumed-role/role/session"; never null
 */
public record Arn(String partition, String service, String region, String account, String resource) {
    /** The partition assumed when a record names none. */
    public static final String DEFAULT_PARTITION = "aws";

    public Arn {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(resource, "resource");
    }

    /** Parses an ARN; empty when {@code text} is null or not shaped like one. */
    public static Optional<Arn> parse(String text) {
        if (text == null || !text.startsWith("arn:")) {
            return Optional.empty();
        }
        String[] parts = text.split(":", 6);
        if (parts.length != 6 || parts[1].isEmpty() || parts[2].isEmpty() || parts[5].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Arn(parts[1], parts[2], parts[3], parts[4], parts[5]));
    }

    /** An IAM ARN in {@code account}: {@code arn:<partition>:iam::<account>:<resource>}. */
    public static Arn iam(String partition, String account, String resource) {
        return new Arn(partition, "iam", "", account, resource);
    }

    /** The resource type: the part of the resource before the first '/' ("user", "role", "assumed-role"). */
    public String resourceType() {
        int slash = resource.indexOf('/');
        return slash < 0 ? resource : resource.substring(0, slash);
    }

    /** The last path segment of the resource: a user or role name without its path. */
    public String resourceName() {
        return resource.substring(resource.lastIndexOf('/') + 1);
    }

    /** Whether this names an IAM user or role: {@code arn:*:iam::*:user/*} or {@code role/*}. */
    public boolean isIamPrincipal(String type) {
        return service.equals("iam") && resourceType().equals(type) && resource.length() > type.length() + 1;
    }

    @Override
    public String toString() {
        return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
    }
}
