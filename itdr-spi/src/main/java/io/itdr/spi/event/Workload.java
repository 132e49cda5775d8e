package io.itdr.spi.event;

/**
 * The workload the event is attributed to, when the platform says (an EC2 instance, a Lambda,
 * a Kubernetes service account, a CI job). Every field may be null.
 *
 * @param id   the workload's platform id ("i-0abc", "arn:aws:lambda:...", "repo:org/app:ref:main")
 * @param kind "ec2", "lambda", "k8s", "ci_job", ...
 * @param name display name
 */
public record Workload(String id, String kind, String name) {
}
