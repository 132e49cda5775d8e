package io.itdr.connector.aws.act;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a person at the IAM console sees and changes in an {@link IamSandbox}, for tests outside
 * this package (the conformance kit's sandbox): users with their keys, roles, tags, attached
 * managed policies, inline user and role policies. Changes made here are not API calls: the sandbox's request
 * journal does not see them. Synchronized on the sandbox, as its request handling is.
 */
public final class IamConsole {
    private final IamSandbox iam;

    public IamConsole(IamSandbox iam) {
        this.iam = iam;
    }

    /** Removes every user and role. */
    public void clear() {
        synchronized (iam) {
            iam.users.clear();
            iam.roles.clear();
        }
    }

    /** Creates a user with its access keys (id → "Active" or "Inactive") and attached managed policies. */
    public void addUser(String name, Map<String, String> keys, String... attachedPolicyArns) {
        IamSandbox.User user = new IamSandbox.User();
        user.keys.putAll(keys);
        user.attached.addAll(java.util.List.of(attachedPolicyArns));
        synchronized (iam) {
            iam.users.put(name, user);
        }
    }

    /** Creates a role with attached managed policies. */
    public void addRole(String name, String... attachedPolicyArns) {
        IamSandbox.Role role = new IamSandbox.Role();
        role.attached.addAll(java.util.List.of(attachedPolicyArns));
        synchronized (iam) {
            iam.roles.put(name, role);
        }
    }

    /** Tags a user or role ({@code type} "user" or "role"), as TagUser / TagRole would. */
    public void tag(String type, String name, String key, String value) {
        synchronized (iam) {
            (type.equals("user") ? iam.users.get(name).tags : iam.roles.get(name).tags).put(key, value);
        }
    }

    /** The names of every user ({@code type} "user") or every role ("role"), sorted. */
    public Set<String> names(String type) {
        synchronized (iam) {
            return new TreeSet<>(type.equals("user") ? iam.users.keySet() : iam.roles.keySet());
        }
    }

    /**
     * Everything the console shows of one user or role, flattened: key statuses
     * ({@code user/<name>/accessKey/<id>/status}), attached policies
     * ({@code <type>/<name>/attached/<arn>} → "attached") and inline policies
     * ({@code <type>/<name>/inline/<policy>} → the document). Empty for an unknown principal.
     */
    public Map<String, String> state(String type, String name) {
        Map<String, String> state = new TreeMap<>();
        synchronized (iam) {
            if (type.equals("user") && iam.users.containsKey(name)) {
                IamSandbox.User user = iam.users.get(name);
                user.keys.forEach((id, status) -> state.put("user/" + name + "/accessKey/" + id + "/status", status));
                user.attached.forEach(arn -> state.put("user/" + name + "/attached/" + arn, "attached"));
                user.inline.forEach((policy, document) -> state.put("user/" + name + "/inline/" + policy, document));
            } else if (type.equals("role") && iam.roles.containsKey(name)) {
                IamSandbox.Role role = iam.roles.get(name);
                role.attached.forEach(arn -> state.put("role/" + name + "/attached/" + arn, "attached"));
                role.inline.forEach((policy, document) -> state.put("role/" + name + "/inline/" + policy, document));
            }
        }
        return state;
    }

    public void setKeyStatus(String userName, String keyId, String status) {
        synchronized (iam) {
            iam.users.get(userName).keys.put(keyId, status);
        }
    }

    /** Detaches a managed policy from a user or role; whether it was attached. */
    public boolean detach(String type, String name, String policyArn) {
        synchronized (iam) {
            if (type.equals("user")) {
                return iam.users.containsKey(name) && iam.users.get(name).attached.remove(policyArn);
            }
            return iam.roles.containsKey(name) && iam.roles.get(name).attached.remove(policyArn);
        }
    }

    /** Deletes an inline policy of a user ({@code type} "user") or role ("role"); whether there was one. */
    public boolean deleteInlinePolicy(String type, String name, String policyName) {
        if (!type.equals("user")) {
            return deleteInlinePolicy(name, policyName);
        }
        synchronized (iam) {
            return iam.users.containsKey(name) && iam.users.get(name).inline.remove(policyName) != null;
        }
    }

    /** Deletes an inline role policy; whether there was one. */
    public boolean deleteInlinePolicy(String roleName, String policyName) {
        synchronized (iam) {
            return iam.roles.containsKey(roleName) && iam.roles.get(roleName).inline.remove(policyName) != null;
        }
    }
}
