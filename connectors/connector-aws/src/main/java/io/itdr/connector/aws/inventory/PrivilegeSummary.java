package io.itdr.connector.aws.inventory;

import io.itdr.connector.aws.Arn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What an IAM user or role may do, summarised from the names of its policies; policy documents are
 * not read (that would cost a GetPolicyVersion per policy and a policy evaluator).
 *
 * <p>The rule, deliberately simple and stated so an operator can predict it:
 * <ul>
 *   <li>{@code privileged} when the AWS managed policy {@code AdministratorAccess} or
 *       {@code IAMFullAccess} is attached (matched by ARN, {@code arn:<partition>:iam::aws:policy/<name>},
 *       so a customer policy of the same name does not count), or when an inline policy's name
 *       contains "admin" in any letter case. A false answer means none of these markers, not that the
 *       identity holds no administrative permission: a customer managed policy may grant
 *       {@code *:*} under any name. The catalog can state criticality where this falls short.</li>
 *   <li>{@code quarantined} when the AWS managed {@code AWSDenyAll} is attached: that is how
 *       disable_identity contains an identity, and an explicit deny of everything means it can do
 *       nothing, so inventory reports it as not enabled.</li>
 * </ul>
 *
 * @param scopes      attached managed policy ARNs, then {@code inline:<name>} for each inline policy; never null
 * @param privileged  whether an administrative marker is present (see above)
 * @param quarantined whether AWSDenyAll is attached
 */
record PrivilegeSummary(List<String> scopes, boolean privileged, boolean quarantined) {
    static final String INLINE = "inline:";
    private static final Set<String> ADMINISTRATIVE = Set.of("AdministratorAccess", "IAMFullAccess");
    private static final String DENY_ALL = "AWSDenyAll";

    PrivilegeSummary {
        scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    }

    static PrivilegeSummary of(List<String> attachedPolicyArns, List<String> inlinePolicyNames) {
        List<String> scopes = new ArrayList<>(attachedPolicyArns);
        boolean privileged = false;
        boolean quarantined = false;
        for (String arn : attachedPolicyArns) {
            String managed = awsManagedName(arn);
            privileged |= managed != null && ADMINISTRATIVE.contains(managed);
            quarantined |= DENY_ALL.equals(managed);
        }
        for (String name : inlinePolicyNames) {
            scopes.add(INLINE + name);
            privileged |= name.toLowerCase(Locale.ROOT).contains("admin");
        }
        return new PrivilegeSummary(scopes, privileged, quarantined);
    }

    /** The name of an AWS managed policy at the root path, or null for any other ARN. */
    private static String awsManagedName(String arn) {
        return Arn.parse(arn)
                .filter(a -> a.service().equals("iam") && a.account().equals("aws") && a.resource().startsWith("policy/"))
                .map(a -> a.resource().substring("policy/".length()))
                .orElse(null);
    }
}
