package io.itdr.core.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A fake identity platform for tests: identities that can be enabled or disabled and carry a
 * deny-all policy flag, credentials that are active or inactive, live sessions, and a session
 * quarantine flag (while on, no session can be opened, like AWS "revoke older sessions").
 *
 * <p>Its whole state is a flat map of keys, the same keys {@link InMemoryActionExecutor} puts in
 * snapshots, so tests can compare {@link #state()} with a plan's pre- or post-state:
 * <pre>
 *   identity/&lt;id&gt;/enabled                      "true" | "false"
 *   identity/&lt;id&gt;/denyPolicy                   "attached" | "none"
 *   identity/&lt;id&gt;/sessionQuarantine            "on" | "off"
 *   identity/&lt;id&gt;/sessions                     live session ids, sorted, comma-separated ("" when none)
 *   identity/&lt;id&gt;/credential/&lt;cid&gt;/status      "Active" | "Inactive" ("absent" when read but missing)
 * </pre>
 * The setters change the platform as someone else would (to set up a test or cause drift); the
 * executor goes through {@link #write}. Thread-safe: every method locks this object.
 */
public final class InMemoryPlatform {
    public static final String ABSENT = "absent";

    private final Map<String, Identity> identities = new TreeMap<>();

    private static final class Identity {
        boolean enabled = true;
        boolean denyPolicy;
        boolean sessionQuarantine;
        final Set<String> sessions = new TreeSet<>();
        final Map<String, Boolean> credentials = new TreeMap<>();
    }

    public synchronized InMemoryPlatform addIdentity(String identityId) {
        Objects.requireNonNull(identityId, "identityId");
        if (identities.putIfAbsent(identityId, new Identity()) != null) {
            throw new IllegalStateException("identity " + identityId + " exists");
        }
        return this;
    }

    public synchronized InMemoryPlatform addCredential(String identityId, String credentialId, boolean active) {
        Identity identity = identity(identityId);
        if (identity.credentials.putIfAbsent(credentialId, active) != null) {
            throw new IllegalStateException("credential " + credentialId + " exists");
        }
        return this;
    }

    /** @throws IllegalStateException while the identity's sessions are quarantined */
    public synchronized InMemoryPlatform openSession(String identityId, String sessionId) {
        Identity identity = identity(identityId);
        if (identity.sessionQuarantine) {
            throw new IllegalStateException("sessions of " + identityId + " are quarantined");
        }
        identity.sessions.add(sessionId);
        return this;
    }

    public synchronized void setEnabled(String identityId, boolean enabled) {
        identity(identityId).enabled = enabled;
    }

    public synchronized void setDenyPolicy(String identityId, boolean attached) {
        identity(identityId).denyPolicy = attached;
    }

    public synchronized void setSessionQuarantine(String identityId, boolean on) {
        identity(identityId).sessionQuarantine = on;
    }

    public synchronized void setCredentialActive(String identityId, String credentialId, boolean active) {
        Identity identity = identity(identityId);
        if (!identity.credentials.containsKey(credentialId)) {
            throw new IllegalArgumentException("no credential " + credentialId + " of " + identityId);
        }
        identity.credentials.put(credentialId, active);
    }

    public synchronized boolean hasIdentity(String identityId) {
        return identities.containsKey(identityId);
    }

    public synchronized boolean hasCredential(String identityId, String credentialId) {
        Identity identity = identities.get(identityId);
        return identity != null && identity.credentials.containsKey(credentialId);
    }

    public synchronized Set<String> credentialsOf(String identityId) {
        return Set.copyOf(identity(identityId).credentials.keySet());
    }

    /** The whole platform as keys → values, sorted. */
    public synchronized Map<String, String> state() {
        Map<String, String> state = new TreeMap<>();
        for (String id : identities.keySet()) {
            Identity identity = identities.get(id);
            state.put(enabledKey(id), Boolean.toString(identity.enabled));
            state.put(denyPolicyKey(id), identity.denyPolicy ? "attached" : "none");
            state.put(sessionQuarantineKey(id), identity.sessionQuarantine ? "on" : "off");
            state.put(sessionsKey(id), String.join(",", identity.sessions));
            identity.credentials.forEach((cid, active) -> state.put(credentialKey(id, cid), active ? "Active" : "Inactive"));
        }
        return state;
    }

    /** The values of {@code keys}, in key order; a missing credential reads {@link #ABSENT}. */
    public synchronized Map<String, String> read(Set<String> keys) {
        Map<String, String> all = state();
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : new TreeSet<>(keys)) {
            String value = all.get(key);
            if (value == null && !isCredentialKey(key)) {
                throw new IllegalArgumentException("no such state: " + key);
            }
            values.put(key, value == null ? ABSENT : value);
        }
        return values;
    }

    /**
     * Sets one value, as the platform's API would. Writing "Active" to an absent credential creates
     * it; revoked sessions cannot come back, so sessions can only be set to "".
     */
    public synchronized void write(String key, String value) {
        String[] parts = key.split("/");
        if (parts.length < 3 || !parts[0].equals("identity")) {
            throw new IllegalArgumentException("no such state: " + key);
        }
        Identity identity = identity(parts[1]);
        switch (parts.length == 5 ? "credential" : parts[2]) {
            case "enabled" -> identity.enabled = parseBoolean(key, value);
            case "denyPolicy" -> identity.denyPolicy = parseFlag(key, value, "attached", "none");
            case "sessionQuarantine" -> identity.sessionQuarantine = parseFlag(key, value, "on", "off");
            case "sessions" -> {
                if (!value.isEmpty()) {
                    throw new IllegalArgumentException("revoked sessions cannot be restored: " + key + " = " + value);
                }
                identity.sessions.clear();
            }
            case "credential" -> identity.credentials.put(parts[3], parseFlag(key, value, "Active", "Inactive"));
            default -> throw new IllegalArgumentException("no such state: " + key);
        }
    }

    public static String enabledKey(String identityId) {
        return "identity/" + identityId + "/enabled";
    }

    public static String denyPolicyKey(String identityId) {
        return "identity/" + identityId + "/denyPolicy";
    }

    public static String sessionQuarantineKey(String identityId) {
        return "identity/" + identityId + "/sessionQuarantine";
    }

    public static String sessionsKey(String identityId) {
        return "identity/" + identityId + "/sessions";
    }

    public static String credentialKey(String identityId, String credentialId) {
        return "identity/" + identityId + "/credential/" + credentialId + "/status";
    }

    private static boolean isCredentialKey(String key) {
        return key.split("/").length == 5 && key.contains("/credential/");
    }

    private Identity identity(String identityId) {
        Identity identity = identities.get(identityId);
        if (identity == null) {
            throw new IllegalArgumentException("no identity " + identityId);
        }
        return identity;
    }

    private static boolean parseBoolean(String key, String value) {
        return parseFlag(key, value, "true", "false");
    }

    private static boolean parseFlag(String key, String value, String yes, String no) {
        if (yes.equals(value)) {
            return true;
        }
        if (no.equals(value)) {
            return false;
        }
        throw new IllegalArgumentException(key + " takes " + yes + " or " + no + ", not " + value);
    }
}
