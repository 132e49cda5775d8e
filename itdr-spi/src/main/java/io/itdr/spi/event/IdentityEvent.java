package io.itdr.spi.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One normalized piece of identity telemetry: what a connector makes of a platform's log record,
 * and what the engine reads. Immutable and thread-safe.
 *
 * @param id         unique and stable across re-reads of the same record (the platform's event id,
 *                   or a digest of the raw record): duplicates are dropped by id; never null
 * @param time       when it happened on the platform; never null
 * @param platform   connector id of the source platform ("aws", "okta"); never null
 * @param tenant     account, organisation or tenant id; may be null when the platform has one tenant
 * @param identity   the non-human identity that acted; never null
 * @param credential the credential it used; may be null
 * @param category   what kind of activity; never null
 * @param action     the platform's name for it ("AssumeRole", "app.oauth2.as.token.grant"); never null
 * @param outcome    whether it succeeded; never null
 * @param source     network origin; never null ({@link Source#UNKNOWN} when nothing is known)
 * @param session    token or session used; may be null
 * @param privilege  privileges touched or changed; may be null
 * @param workload   the workload it is attributed to; may be null
 * @param finding    the platform's own finding, for {@link EventCategory#PLATFORM_FINDING}; may be null
 * @param target     for a change made by this identity to another identity or credential, the
 *                   other one's id; may be null
 * @param rawRef     where the raw record lives (file:line, S3 key, event id); may be null
 * @param attributes other platform fields worth keeping, small; never null
 */
public record IdentityEvent(
        String id,
        Instant time,
        String platform,
        String tenant,
        IdentityRef identity,
        CredentialRef credential,
        EventCategory category,
        String action,
        Outcome outcome,
        Source source,
        SessionInfo session,
        PrivilegeChange privilege,
        Workload workload,
        PlatformFinding finding,
        String target,
        String rawRef,
        Map<String, String> attributes) {

    public IdentityEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        if (id.isBlank()) {
            throw new IllegalArgumentException("event id must not be blank");
        }
        if (platform.isBlank()) {
            throw new IllegalArgumentException("platform must not be blank");
        }
        if (source == null) {
            source = Source.UNKNOWN;
        }
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (category == EventCategory.PLATFORM_FINDING && finding == null) {
            throw new IllegalArgumentException("a PLATFORM_FINDING event must carry the finding");
        }
    }

    /**
     * The key of all per-identity state: platform, tenant and identity id. Events of one identity
     * go to one detector instance (and one partition when the engine scales out).
     */
    public String identityKey() {
        return identityKey(platform, tenant, identity.id());
    }

    public static String identityKey(String platform, String tenant, String identityId) {
        return platform + "/" + (tenant == null ? "-" : tenant) + "/" + identityId;
    }

    /** Age of the token used, or null when unknown. */
    public Duration tokenAge() {
        return session == null ? null : session.ageAt(time);
    }

    /** A builder for tests and normalizers; fields not set are null (or defaults above). */
    public static Builder builder(String id, Instant time, String platform, IdentityRef identity) {
        return new Builder(id, time, platform, identity);
    }

    /** Builds {@link IdentityEvent}s; not thread-safe. */
    public static final class Builder {
        private final String id;
        private final Instant time;
        private final String platform;
        private final IdentityRef identity;
        private String tenant;
        private CredentialRef credential;
        private EventCategory category = EventCategory.API_CALL;
        private String action = "unknown";
        private Outcome outcome = Outcome.SUCCESS;
        private Source source = Source.UNKNOWN;
        private SessionInfo session;
        private PrivilegeChange privilege;
        private Workload workload;
        private PlatformFinding finding;
        private String target;
        private String rawRef;
        private Map<String, String> attributes = Map.of();

        private Builder(String id, Instant time, String platform, IdentityRef identity) {
            this.id = id;
            this.time = time;
            this.platform = platform;
            this.identity = identity;
        }

        public Builder tenant(String v) { this.tenant = v; return this; }
        public Builder credential(CredentialRef v) { this.credential = v; return this; }
        public Builder category(EventCategory v) { this.category = v; return this; }
        public Builder action(String v) { this.action = v; return this; }
        public Builder outcome(Outcome v) { this.outcome = v; return this; }
        public Builder source(Source v) { this.source = v; return this; }
        public Builder session(SessionInfo v) { this.session = v; return this; }
        public Builder privilege(PrivilegeChange v) { this.privilege = v; return this; }
        public Builder workload(Workload v) { this.workload = v; return this; }
        public Builder finding(PlatformFinding v) { this.finding = v; return this; }
        public Builder target(String v) { this.target = v; return this; }
        public Builder rawRef(String v) { this.rawRef = v; return this; }
        public Builder attributes(Map<String, String> v) { this.attributes = v; return this; }

        public IdentityEvent build() {
            return new IdentityEvent(id, time, platform, tenant, identity, credential, category, action, outcome,
                    source, session, privilege, workload, finding, target, rawRef, attributes);
        }
    }
}
