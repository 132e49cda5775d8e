package io.itdr.spi.event;

/**
 * Where an event came from on the network. Every field may be null (platforms omit them, and
 * calls made by a cloud service on the identity's behalf have no IP).
 *
 * @param ip          IPv4 or IPv6 address as text, or a service name ("ec2.amazonaws.com")
 * @param asn         autonomous system number
 * @param asOrg       name of the AS or ISP
 * @param geo         location
 * @param userAgent   the client's user agent
 * @param proxy       whether the platform flagged the source as an anonymising proxy or Tor
 */
public record Source(String ip, Long asn, String asOrg, Geo geo, String userAgent, Boolean proxy) {
    public static final Source UNKNOWN = new Source(null, null, null, null, null, null);

    /**
     * A coarse fingerprint of the source for baselining: ASN when known, else the IP's /24
     * (IPv4) or /48 (IPv6), plus the user agent's product token. Null when nothing is known.
     */
    public String fingerprint() {
        String net = null;
        if (asn != null) {
            net = "as" + asn;
        } else if (ip != null) {
            net = networkPrefix(ip);
        }
        String agent = userAgent == null ? null : productToken(userAgent);
        if (net == null && agent == null) {
            return null;
        }
        return (net == null ? "?" : net) + "|" + (agent == null ? "?" : agent);
    }

    static String networkPrefix(String ip) {
        if (ip.indexOf(':') >= 0) {
            String[] parts = ip.split(":", -1);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < Math.min(3, parts.length); i++) {
                if (i > 0) {
                    b.append(':');
                }
                b.append(parts[i]);
            }
            return b.append("::/48").toString();
        }
        int last = ip.lastIndexOf('.');
        if (last > 0 && ip.chars().filter(c -> c == '.').count() == 3) {
            return ip.substring(0, last) + ".0/24";
        }
        return ip; // a service name, kept whole
    }

    static String productToken(String userAgent) {
        String ua = userAgent.trim();
        int end = 0;
        while (end < ua.length() && ua.charAt(end) != ' ' && ua.charAt(end) != '/') {
            end++;
        }
        return ua.substring(0, end).toLowerCase(java.util.Locale.ROOT);
    }
}
