package io.itdr.core.enrich;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.model.CountryResponse;
import io.itdr.spi.event.Geo;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The network enrichment every detector shares: private addresses, VPC endpoints and cloud
 * service names recognised by rule; cloud providers' published ranges ({@link CloudRanges}); and,
 * from MaxMind-format databases the operator supplies (GeoLite2/GeoIP2 ASN, Country or City,
 * read with MaxMind's {@code geoip2} reader), the ASN, its organisation, the country and the
 * coordinates. Nothing is downloaded: without files only the rules apply.
 *
 * <p>A few ASNs are the clouds' own and count as the provider even without its ranges file
 * (AWS 16509 and 14618, Google 15169 and 396982, Microsoft 8075): a NAT gateway's address then
 * has the same owner as the provider's other addresses.
 *
 * <p>Thread-safe (the MaxMind readers are, and cache decoded records in a bounded cache).
 */
public final class NetworkDirectory implements NetworkResolver, Closeable {
    private static final NetworkDirectory BASIC = new NetworkDirectory(null, null, CloudRanges.empty());
    private static final Map<Long, String> CLOUD_ASNS = Map.of(16509L, "aws", 14618L, "aws", 15169L, "gcp",
            396982L, "gcp", 8075L, "azure");
    private static final List<CidrBlock> PRIVATE = List.of(
            CidrBlock.parse("10.0.0.0/8"), CidrBlock.parse("172.16.0.0/12"), CidrBlock.parse("192.168.0.0/16"),
            CidrBlock.parse("100.64.0.0/10"), CidrBlock.parse("127.0.0.0/8"), CidrBlock.parse("169.254.0.0/16"),
            CidrBlock.parse("fc00::/7"), CidrBlock.parse("fe80::/10"), CidrBlock.parse("::1/128"));

    private static final NetworkFacts VPC_ENDPOINT = new NetworkFacts(NetworkFacts.Kind.VPC_ENDPOINT, null, null, null, null, null);
    private static final NetworkFacts PRIVATE_NETWORK = new NetworkFacts(NetworkFacts.Kind.PRIVATE, null, null, null, null, null);
    /** Addresses resolved, kept for reuse; a power of two. */
    static final int RESOLVED_SLOTS = 1 << 12;

    private final DatabaseReader asnReader;
    private final DatabaseReader geoReader;
    private final CloudRanges ranges;
    /**
     * The latest answers by address text, direct-mapped: a workload calls from a few addresses over
     * and over, and each answer (parsing the address, the private blocks, the ranges, the databases)
     * depends on the text alone while the directory lives. Racy by design: each slot holds an
     * immutable {@link Resolved} or null; a lost write only costs resolving again. Memory is fixed.
     */
    private final Resolved[] resolved = new Resolved[RESOLVED_SLOTS];

    private record Resolved(String address, NetworkFacts facts) {
    }

    private NetworkDirectory(DatabaseReader asnReader, DatabaseReader geoReader, CloudRanges ranges) {
        this.asnReader = asnReader;
        this.geoReader = geoReader;
        this.ranges = Objects.requireNonNull(ranges, "ranges");
    }

    /** Rules only: private addresses, VPC endpoints, cloud service names. */
    public static NetworkDirectory basic() {
        return BASIC;
    }

    /**
     * The data files an operator supplies; each may be absent.
     *
     * @param asnDatabase      a MaxMind-format ASN database (GeoLite2-ASN.mmdb); null for none
     * @param locationDatabase a MaxMind-format City or Country database; null for none
     * @param cloudRanges      published ranges files (AWS ip-ranges.json, Google cloud.json); never null
     */
    public record Files(Path asnDatabase, Path locationDatabase, List<Path> cloudRanges) {
        public Files {
            cloudRanges = List.copyOf(Objects.requireNonNull(cloudRanges, "cloudRanges"));
        }

        public static Files none() {
            return new Files(null, null, List.of());
        }

        public boolean isEmpty() {
            return asnDatabase == null && locationDatabase == null && cloudRanges.isEmpty();
        }
    }

    /**
     * Opens the files.
     *
     * @throws IllegalArgumentException naming the file that cannot be read or is of the wrong kind
     */
    public static NetworkDirectory open(Files files) {
        if (files.isEmpty()) {
            return BASIC;
        }
        DatabaseReader asn = null;
        DatabaseReader geo = null;
        try {
            asn = files.asnDatabase() == null ? null : reader(files.asnDatabase(), "ASN");
            geo = files.locationDatabase() == null ? null : reader(files.locationDatabase(), "City|Country");
            CloudRanges ranges;
            try {
                ranges = files.cloudRanges().isEmpty() ? CloudRanges.empty() : CloudRanges.load(files.cloudRanges(), new ObjectMapper());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read cloud ranges " + files.cloudRanges() + ": " + e.getMessage(), e);
            }
            return new NetworkDirectory(asn, geo, ranges);
        } catch (RuntimeException e) {
            closeQuietly(asn);
            closeQuietly(geo);
            throw e;
        }
    }

    private static DatabaseReader reader(Path file, String expectedType) {
        DatabaseReader reader;
        try {
            reader = new DatabaseReader.Builder(file.toFile()).withCache(new CHMCache()).build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a readable MaxMind-format database: " + e.getMessage(), e);
        }
        String type = reader.getMetadata().getDatabaseType();
        if (type == null || !type.matches("(?i).*(" + expectedType + ").*")) {
            closeQuietly(reader);
            throw new IllegalArgumentException(file + ": database type '" + type + "' is not " + expectedType.replace("|", " or "));
        }
        return reader;
    }

    @Override
    public NetworkFacts resolve(String address, String vpcEndpointId) {
        if (vpcEndpointId != null && !vpcEndpointId.isBlank()) {
            return VPC_ENDPOINT;
        }
        if (address == null || address.isBlank()) {
            return NetworkFacts.UNKNOWN;
        }
        int h = address.hashCode();
        int slot = (h ^ (h >>> 12)) & (RESOLVED_SLOTS - 1);
        Resolved held = resolved[slot];
        if (held != null && held.address.equals(address)) {
            return held.facts;
        }
        NetworkFacts facts = resolve(address);
        resolved[slot] = new Resolved(address, facts);
        return facts;
    }

    /** What is known of a non-blank address. */
    private NetworkFacts resolve(String address) {
        IpAddress ip = IpAddress.tryParse(address);
        if (ip == null) {
            String cloud = serviceCloud(address);
            return cloud == null ? NetworkFacts.UNKNOWN : new NetworkFacts(NetworkFacts.Kind.CLOUD_SERVICE, null, null, cloud, null, null);
        }
        ip = ip.unmapped();
        for (CidrBlock block : PRIVATE) {
            if (block.contains(ip)) {
                return PRIVATE_NETWORK;
            }
        }
        CloudRanges.Range range = ranges.find(ip);
        Long asn = null;
        String asOrg = null;
        Geo geo = null;
        if (asnReader != null || geoReader != null) {
            InetAddress inet = inet(ip);
            if (inet != null) {
                Optional<AsnResponse> a = lookup(() -> asnReader == null ? Optional.empty() : asnReader.tryAsn(inet));
                if (a.isPresent()) {
                    asn = a.get().getAutonomousSystemNumber();
                    asOrg = a.get().getAutonomousSystemOrganization();
                }
                geo = geoReader == null ? null : geo(inet);
            }
        }
        String cloud = range != null ? range.provider() : asn == null ? null : CLOUD_ASNS.get(asn);
        return new NetworkFacts(NetworkFacts.Kind.PUBLIC, asn, asOrg, cloud, range == null ? null : range.region(), geo);
    }

    private Geo geo(InetAddress inet) {
        String type = geoReader.getMetadata().getDatabaseType().toLowerCase(Locale.ROOT);
        if (type.contains("city")) {
            Optional<CityResponse> c = lookup(() -> geoReader.tryCity(inet));
            if (c.isEmpty()) {
                return null;
            }
            CityResponse r = c.get();
            Double lat = r.getLocation() == null ? null : r.getLocation().getLatitude();
            Double lon = r.getLocation() == null ? null : r.getLocation().getLongitude();
            if (lat == null || lon == null) {
                lat = null;
                lon = null;
            }
            return new Geo(r.getCountry() == null ? null : r.getCountry().getIsoCode(),
                    r.getMostSpecificSubdivision() == null ? null : r.getMostSpecificSubdivision().getName(),
                    r.getCity() == null ? null : r.getCity().getName(), lat, lon);
        }
        Optional<CountryResponse> c = lookup(() -> geoReader.tryCountry(inet));
        return c.map(r -> r.getCountry() == null || r.getCountry().getIsoCode() == null ? null
                : new Geo(r.getCountry().getIsoCode(), null, null, null, null)).orElse(null);
    }

    /** The cloud provider owning a well-known ASN of its own; null for others. */
    public static String cloudOfAsn(long asn) {
        return CLOUD_ASNS.get(asn);
    }

    /** "kms.amazonaws.com", "AWS Internal" → "aws"; other names → null. */
    static String serviceCloud(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".amazonaws.com") || n.equals("aws internal") || n.endsWith(".amazonaws.com.cn")) {
            return "aws";
        }
        if (n.endsWith(".googleapis.com") || n.endsWith(".gserviceaccount.com")) {
            return "gcp";
        }
        return null;
    }

    private interface Lookup<T> {
        Optional<T> get() throws Exception;
    }

    /** A database that cannot answer for one address (corrupt record, wrong family) answers nothing for it. */
    private static <T> Optional<T> lookup(Lookup<T> lookup) {
        try {
            return lookup.get();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static InetAddress inet(IpAddress ip) {
        try {
            return InetAddress.getByName(ip.toString()); // a literal: no DNS query
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closeQuietly(asnReader);
        closeQuietly(geoReader);
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do: the reader only held a mapped file
            }
        }
    }
}
