package io.itdr.server.intake;

import io.itdr.core.connect.HostContext;
import io.itdr.spi.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The shared secret each platform's event hook sends with its deliveries, per connector:
 * {@code itdr.hooks.<connector>.secret} (a reference, {@code env:VAR} or {@code file:/path}; an
 * inline value is refused at start-up, so the secret never sits in a configuration file) and
 * {@code itdr.hooks.<connector>.header} (the header that carries it, {@code Authorization} unless
 * set). This is Okta's event hook {@code authScheme} ({@code {"type":"HEADER","key":<header>,
 * "value":<secret>}}, https://developer.okta.com/docs/concepts/event-hooks/). A connector without a
 * hook secret takes no hook deliveries (deny by default).
 *
 * <p>Comparison is in constant time over SHA-256 digests, so neither the secret's content nor its
 * length leaks through timing. Secrets are never logged or shown. Immutable and thread-safe.
 */
@Component
public class EventHookSecrets {
    /** One connector's hook: the header and the secret it must carry. */
    public record Hook(String header, Secret secret) {
        public Hook {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "Hook[header=" + header + ", secret=****]";
        }
    }

    /** How {@code itdr.hooks.<id>.*} binds. */
    public record HookProperties(String header, String secret) {
    }

    private final Map<String, Hook> hooks;

    @Autowired
    public EventHookSecrets(Environment environment) {
        this(Binder.get(environment).bind("itdr.hooks", Bindable.mapOf(String.class, HookProperties.class)).orElse(Map.of()),
                HostContext.of(Clock.systemUTC(), System.getenv())::resolveSecret);
    }

    /**
     * @param configured the hooks as configured, by connector id
     * @param resolver   resolves {@code env:} and {@code file:} references
     * @throws IllegalStateException naming the property when a hook is incomplete, inline or unresolvable
     */
    public EventHookSecrets(Map<String, HookProperties> configured, Function<String, Optional<Secret>> resolver) {
        Map<String, Hook> hooks = new TreeMap<>();
        configured.forEach((id, p) -> {
            String where = "itdr.hooks." + id;
            if (p.secret() == null || p.secret().isBlank()) {
                throw new IllegalStateException(where + ".secret: missing; give a reference such as env:OKTA_HOOK_SECRET");
            }
            String reference = p.secret().strip();
            if (!reference.startsWith("env:") && !reference.startsWith("file:")) {
                throw new IllegalStateException(where + ".secret: must be a reference, env:VAR or file:/path, not the secret itself "
                        + "(the value is not shown)");
            }
            Secret secret;
            try {
                secret = resolver.apply(reference).orElseThrow(() -> new IllegalStateException(where + ".secret: " + reference
                        + " does not resolve (no such environment variable or readable file)"));
            } catch (RuntimeException e) {
                if (e instanceof IllegalStateException) {
                    throw e;
                }
                throw new IllegalStateException(where + ".secret: " + e.getMessage(), e);
            }
            if (secret.reveal().length() < 16) {
                throw new IllegalStateException(where + ".secret: " + reference + " holds fewer than 16 characters; use a long random value");
            }
            if (secret.reveal().regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new IllegalStateException(where + ".secret: " + reference + " starts with 'Bearer ', which the server would read "
                        + "as an API token; use a plain random value");
            }
            String header = p.header() == null || p.header().isBlank() ? "Authorization" : p.header().strip();
            if (!header.matches("[A-Za-z0-9-]{1,64}")) {
                throw new IllegalStateException(where + ".header: expected an HTTP header name, got '" + header + "'");
            }
            hooks.put(id.toLowerCase(Locale.ROOT), new Hook(header, secret));
        });
        this.hooks = Map.copyOf(hooks);
    }

    /** The hook of {@code connectorId}, if one is configured. */
    public Optional<Hook> hook(String connectorId) {
        return Optional.ofNullable(hooks.get(connectorId));
    }

    /** Whether {@code presented} (a header's value, may be null) is the hook's secret; constant time. */
    public static boolean matches(Hook hook, String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented), sha256(hook.secret().reveal()));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "EventHookSecrets" + hooks.keySet();
    }
}
