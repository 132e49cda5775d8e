package io.itdr.core.generate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import java.util.Locale;
import java.util.Optional;

/**
 * Okta events of service apps as System Log LogEvents
 * (https://developer.okta.com/docs/reference/api/system-log/#logevent-object): the app is the
 * actor ({@code PublicClientApp}) and the client of a {@code client_credentials} grant; the source
 * is {@code client} (IP, user agent, geographical context with the country's English name) and
 * {@code securityContext} (AS number and organisation, proxy flag); the session is
 * {@code authenticationContext.externalSessionId}.
 *
 * <p>Rendered: sign-ins and API calls of service apps. Not rendered (they stay normalized):
 * other identity kinds, privilege, credential and identity changes, platform findings, and calls
 * naming privileges: a LogEvent would need targets the generator does not make. A LogEvent names
 * no client secret and no org, so the read-back event has neither credential nor tenant.
 * Stateless and thread-safe.
 */
final class OktaLogEvents {
    private static final String TOKEN_GRANT = "app.oauth2.as.token.grant";

    private OktaLogEvents() {
    }

    static Optional<RawRecord> render(IdentityEvent e) {
        boolean signIn = e.category() == EventCategory.AUTHENTICATION;
        if (!"service_app".equals(e.identity().kind()) || !(signIn || e.category() == EventCategory.API_CALL)
                || (e.privilege() != null && !signIn) || (e.session() != null && e.session().tokenId() != null)) {
            return Optional.empty();
        }
        ObjectNode r = PlatformRecords.JSON.createObjectNode();
        r.put("uuid", e.id());
        r.put("published", e.time().toString());
        r.put("eventType", e.action());
        r.put("version", "0");
        r.put("severity", "INFO");
        r.put("displayMessage", e.action().startsWith(TOKEN_GRANT) ? "OAuth2 access token is granted" : e.action());
        ObjectNode actor = r.putObject("actor");
        actor.put("id", e.identity().id());
        actor.put("type", "PublicClientApp");
        actor.put("alternateId", e.identity().id());
        actor.put("displayName", e.identity().name() != null ? e.identity().name() : e.identity().id());
        r.set("client", client(e));
        ObjectNode outcome = r.putObject("outcome");
        outcome.put("result", e.outcome().name());
        r.set("securityContext", securityContext(e.source()));
        SessionInfo session = e.session();
        if (session != null && session.sessionId() != null) {
            ObjectNode context = r.putObject("authenticationContext");
            context.put("authenticationStep", 0);
            context.put("externalSessionId", session.sessionId());
        }
        ObjectNode transaction = r.putObject("transaction");
        transaction.put("type", "WEB");
        transaction.put("id", PlatformRecords.hex("transaction/" + e.id(), 20));
        transaction.putObject("detail");
        ObjectNode debugData = r.putObject("debugContext").putObject("debugData");
        debugData.put("requestId", PlatformRecords.hex("request/" + e.id(), 20));
        if (signIn) {
            debugData.put("grantType", "client_credentials");
            debugData.put("requestUri", "/oauth2/v1/token");
            if (e.privilege() != null && !e.privilege().scopes().isEmpty()) {
                debugData.put("grantedScopes", String.join(" ", e.privilege().scopes()));
            }
        }
        r.putArray("target");
        return Optional.of(new RawRecord(RawRecord.Format.OKTA_LOG_EVENT, e.id(), e.time(), PlatformRecords.text(r)));
    }

    private static ObjectNode client(IdentityEvent e) {
        Source source = e.source();
        ObjectNode client = PlatformRecords.JSON.createObjectNode();
        client.put("id", e.identity().id());
        if (source.userAgent() != null) {
            ObjectNode agent = client.putObject("userAgent");
            agent.put("rawUserAgent", source.userAgent());
            agent.put("os", "Unknown");
            agent.put("browser", "UNKNOWN");
        }
        client.put("zone", "null");
        client.put("device", "Unknown");
        if (source.ip() != null) {
            client.put("ipAddress", source.ip());
        }
        Geo geo = source.geo();
        if (geo != null) {
            ObjectNode context = client.putObject("geographicalContext");
            if (geo.country() != null) {
                context.put("country", new Locale("", geo.country()).getDisplayCountry(Locale.ENGLISH));
            }
            if (geo.region() != null) {
                context.put("state", geo.region());
            }
            if (geo.city() != null) {
                context.put("city", geo.city());
            }
            if (geo.hasCoordinates()) {
                ObjectNode location = context.putObject("geolocation");
                location.put("lat", geo.lat());
                location.put("lon", geo.lon());
            }
        }
        return client;
    }

    private static ObjectNode securityContext(Source source) {
        ObjectNode security = PlatformRecords.JSON.createObjectNode();
        if (source.asn() != null) {
            security.put("asNumber", source.asn());
        }
        if (source.asOrg() != null) {
            security.put("asOrg", source.asOrg());
            security.put("isp", source.asOrg());
        }
        if (source.proxy() != null) {
            security.put("isProxy", source.proxy());
        }
        return security;
    }
}
