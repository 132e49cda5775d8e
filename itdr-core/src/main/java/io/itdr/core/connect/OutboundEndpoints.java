package io.itdr.core.connect;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Checks an outbound endpoint the operator configured (an SDK endpoint override, an org URL, a
 * hook or notification URL) before anything is sent to it: signed requests and tokens must not be
 * steered to the host's own metadata service or its loopback interface by a configuration value.
 *
 * <p>Every numeric form of an address is first canonicalised the way resolvers read it
 * ({@code [::ffff:127.0.0.1]}, {@code 2130706433}, {@code 127.1}, {@code 0x7f.1}, {@code 0177.0.0.1}
 * are all 127.0.0.1). Then:
 * <ul>
 *   <li>refused always: link-local addresses ({@code 169.254.0.0/16}, which holds the cloud metadata
 *       services, and {@code fe80::/10}), AWS's IPv6 metadata address {@code fd00:ec2::254}, the
 *       metadata host names ({@code metadata.google.internal}, {@code metadata.goog},
 *       {@code instance-data}), user info in the URI, and schemes other than http and https;</li>
 *   <li>refused unless loopback is explicitly allowed: {@code 127.0.0.0/8}, {@code ::1},
 *       {@code 0.0.0.0/8} and {@code ::} (which reach the host itself), {@code localhost} and
 *       {@code *.localhost}. The demo and the tests allow it (their platforms are local
 *       simulations): system property {@value #ALLOW_LOOPBACK_PROPERTY} or environment variable
 *       {@value #ALLOW_LOOPBACK_ENV} set to {@code true}.</li>
 * </ul>
 * Host names are not resolved (start-up must not depend on DNS). The host applies it at start-up to
 * every connector's endpoint overrides and to every configuration property a connector declares as a
 * URI ({@link #problems}), so each connector (and any third-party plugin) is covered without code of
 * its own. Stateless and thread-safe.
 */
public final class OutboundEndpoints {
    /** System property that allows loopback endpoints. */
    public static final String ALLOW_LOOPBACK_PROPERTY = "itdr.endpoints.allow-loopback";
    /** Environment variable that allows loopback endpoints. */
    public static final String ALLOW_LOOPBACK_ENV = "ITDR_ENDPOINTS_ALLOW_LOOPBACK";

    private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata.goog", "instance-data",
            "instance-data.ec2.internal");

    private OutboundEndpoints() {
    }

    /** Whether loopback endpoints are allowed in this process (see the class comment). */
    public static boolean loopbackAllowed() {
        return Boolean.parseBoolean(System.getProperty(ALLOW_LOOPBACK_PROPERTY))
                || Boolean.parseBoolean(System.getenv(ALLOW_LOOPBACK_ENV));
    }

    /**
     * Checks {@code uri} with loopback allowed as this process says ({@link #loopbackAllowed()}).
     *
     * @param where the setting it came from, for the message ("itdr.connectors.aws.endpoints.iam")
     * @return {@code uri}, unchanged
     * @throws IllegalArgumentException naming {@code where}, the address and why it is refused
     */
    public static URI check(URI uri, String where) {
        return check(uri, where, loopbackAllowed());
    }

    /** As {@link #check(URI, String)}, with loopback allowed or not as given. */
    public static URI check(URI uri, String where, boolean allowLoopback) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(where, "where");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw refused(where, uri, "only http and https endpoints are allowed");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused(where, uri, "credentials in the URL are not allowed");
        }
        String host = uri.getHost() != null ? uri.getHost() : hostOf(uri.getRawAuthority());
        if (host == null || host.isBlank()) {
            throw refused(where, uri, "it names no host");
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (METADATA_NAMES.contains(name)) {
            throw refused(where, uri, name + " is a cloud metadata service");
        }
        InetAddress address = literal(name);
        if (address == null) {
            if (name.equals("localhost") || name.endsWith(".localhost")) {
                requireLoopbackAllowed(where, uri, name, allowLoopback);
            }
            return uri;
        }
        String canonical = address.getHostAddress();
        if (address.isLinkLocalAddress()) {
            throw refused(where, uri, canonical + " is link-local (cloud metadata services live there)");
        }
        if (address instanceof Inet6Address && canonical.equals(AWS_IPV6_METADATA)) {
            throw refused(where, uri, canonical + " is the AWS instance metadata service");
        }
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || isThisNetwork(address)) {
            requireLoopbackAllowed(where, uri, canonical, allowLoopback);
        }
        return uri;
    }

    /**
     * Checks a connector's endpoint overrides and every property its factory declares as a URI.
     *
     * @param connectorId the connector ("aws")
     * @param properties  the factory's declared properties
     * @param config      the configured values by property name (as given)
     * @param overrides   endpoint overrides by service name
     * @return one message per refused endpoint, naming its setting ({@code itdr.connectors.<id>.endpoints.<service>},
     *         {@code itdr.connectors.<id>.config.<name>}); empty when all pass
     */
    public static java.util.List<String> problems(String connectorId, java.util.List<io.itdr.spi.config.ConfigProperty> properties,
                                                  java.util.Map<String, String> config, java.util.Map<String, URI> overrides,
                                                  boolean allowLoopback) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        new java.util.TreeMap<>(overrides).forEach((service, uri) -> collect(uri, "itdr.connectors." + connectorId + ".endpoints." + service,
                allowLoopback, problems));
        for (io.itdr.spi.config.ConfigProperty property : properties) {
            String value = config.get(property.name());
            if (property.type() != io.itdr.spi.config.ConfigType.URI || value == null || value.isBlank()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(value.strip());
            } catch (java.net.URISyntaxException e) {
                continue; // the schema check reports it
            }
            collect(uri, "itdr.connectors." + connectorId + ".config." + property.name(), allowLoopback, problems);
        }
        return problems;
    }

    private static void collect(URI uri, String where, boolean allowLoopback, java.util.List<String> problems) {
        try {
            check(uri, where, allowLoopback);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    private static final String AWS_IPV6_METADATA = normalised("fd00:ec2::254");

    private static String normalised(String v6) {
        try {
            return InetAddress.getByName(v6).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireLoopbackAllowed(String where, URI uri, String host, boolean allowLoopback) {
        if (!allowLoopback) {
            throw refused(where, uri, host + " is this host itself (loopback); allowed only with " + ALLOW_LOOPBACK_PROPERTY
                    + "=true, for local simulations");
        }
    }

    /** The host of an authority java.net.URI did not parse as a server ({@code 0x7f.1:8080}); null when none. */
    private static String hostOf(String authority) {
        if (authority == null) {
            return null;
        }
        String a = authority.substring(authority.lastIndexOf('@') + 1);
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end < 0 ? null : a.substring(0, end + 1);
        }
        int colon = a.lastIndexOf(':');
        return colon < 0 ? a : a.substring(0, colon);
    }

    private static boolean isThisNetwork(InetAddress address) {
        return address instanceof Inet4Address && address.getAddress()[0] == 0;
    }

    /**
     * The address a numeric host stands for, canonicalised (an IPv4 address embedded in IPv6 — mapped,
     * compatible or NAT64 — is returned as IPv4); null for a host name.
     */
    static InetAddress literal(String host) {
        String h = host;
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.contains(":")) {
            int zone = h.indexOf('%');
            String bare = zone < 0 ? h : h.substring(0, zone);
            if (!bare.matches("[0-9a-fA-F:.]+")) {
                return null;
            }
            try {
                InetAddress address = InetAddress.getByName(bare); // a literal: no lookup
                return embeddedV4(address);
            } catch (UnknownHostException e) {
                return null;
            }
        }
        byte[] v4 = ipv4(h);
        if (v4 == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress embeddedV4(InetAddress address) throws UnknownHostException {
        if (!(address instanceof Inet6Address)) {
            return address; // ::ffff:a.b.c.d comes back as IPv4 already
        }
        byte[] b = address.getAddress();
        boolean zeroPrefix = true;
        for (int i = 0; i < 12; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        boolean unspecifiedOrLoopback = zeroPrefix && b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1);
        if ((zeroPrefix && !unspecifiedOrLoopback) || nat64) {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        }
        return address;
    }

    /**
     * An IPv4 address in any form {@code inet_aton} accepts: one to four parts separated by dots,
     * each decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes. Null when
     * {@code host} is not such a form (then it is a name).
     */
    static byte[] ipv4(String host) {
        if (host.isEmpty() || host.endsWith(".") || !host.matches("[0-9a-fA-FxX.]+") || !Character.isDigit(host.charAt(0))) {
            return null;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long value = part(parts[i]);
            if (value == null) {
                return null;
            }
            values[i] = value;
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 0xff) {
                return null;
            }
            address |= values[i] << (24 - 8 * i);
        }
        int lastBits = 32 - 8 * (parts.length - 1);
        long last = values[parts.length - 1];
        if (last >= (1L << lastBits)) {
            return null;
        }
        address |= last;
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static Long part(String text) {
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                return text.length() == 2 ? 0L : Long.parseLong(text.substring(2), 16);
            }
            if (text.length() > 1 && text.startsWith("0")) {
                return Long.parseLong(text.substring(1), 8);
            }
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null; // not a number (or too long): a name, not an address
        }
    }

    private static IllegalArgumentException refused(String where, URI uri, String why) {
        return new IllegalArgumentException(where + ": endpoint " + uri.getScheme() + "://" + uri.getRawAuthority()
                + " refused: " + why);
    }
}
