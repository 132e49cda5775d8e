package io.itdr.core.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cloud providers' published address ranges, read from the files the providers publish and the
 * operator supplies: AWS {@code ip-ranges.json}
 * (https://docs.aws.amazon.com/vpc/latest/userguide/aws-ip-ranges.html: {@code prefixes[].ip_prefix},
 * {@code ipv6_prefixes[].ipv6_prefix}, {@code region}, {@code service}) and Google Cloud
 * {@code cloud.json} (https://www.gstatic.com/ipranges/cloud.json: {@code prefixes[].ipv4Prefix},
 * {@code ipv6Prefix}, {@code scope}). Lookup is longest-prefix: one hash probe per distinct prefix
 * length (at most 33 for IPv4, 129 for IPv6; in practice about 20). Immutable and thread-safe.
 */
public final class CloudRanges {
    /** One published range. */
    public record Range(String provider, String region, String service) {
    }

    private static final CloudRanges EMPTY = new CloudRanges(new TreeMap<>());

    /** prefix length, longest first → network address → range. */
    private final TreeMap<Integer, Map<IpAddress, Range>> byLength;

    private CloudRanges(TreeMap<Integer, Map<IpAddress, Range>> byLength) {
        this.byLength = byLength;
    }

    public static CloudRanges empty() {
        return EMPTY;
    }

    /**
     * Reads the given files (each AWS or Google Cloud format, told apart by their fields).
     *
     * @throws IllegalArgumentException naming the file and the entry that is not a range
     * @throws IOException              when a file cannot be read
     */
    public static CloudRanges load(List<Path> files, ObjectMapper json) throws IOException {
        TreeMap<Integer, Map<IpAddress, Range>> byLength = new TreeMap<>((a, b) -> Integer.compare(b, a));
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                read(json.readTree(in), file.toString(), byLength);
            }
        }
        return new CloudRanges(byLength);
    }

    /** Reads one document; {@code name} names it in errors. */
    static CloudRanges read(JsonNode document, String name) {
        TreeMap<Integer, Map<IpAddress, Range>> byLength = new TreeMap<>((a, b) -> Integer.compare(b, a));
        read(document, name, byLength);
        return new CloudRanges(byLength);
    }

    private static void read(JsonNode document, String name, TreeMap<Integer, Map<IpAddress, Range>> byLength) {
        if (document == null || !document.isObject()) {
            throw new IllegalArgumentException(name + ": not a JSON object of published ranges");
        }
        JsonNode first = document.path("prefixes").path(0);
        boolean google = first.has("ipv4Prefix") || first.has("ipv6Prefix");
        List<JsonNode> entries = new ArrayList<>();
        document.path("prefixes").forEach(entries::add);
        document.path("ipv6_prefixes").forEach(entries::add);
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            String prefix = google ? firstText(e, "ipv4Prefix", "ipv6Prefix") : firstText(e, "ip_prefix", "ipv6_prefix");
            if (prefix == null) {
                throw new IllegalArgumentException(name + ": prefix entry " + i + " has no ip_prefix/ipv6_prefix/ipv4Prefix/ipv6Prefix");
            }
            CidrBlock block;
            try {
                block = CidrBlock.parse(prefix);
            } catch (IllegalArgumentException e1) {
                throw new IllegalArgumentException(name + ": prefix entry " + i + ": " + e1.getMessage(), e1);
            }
            String region = google ? text(e, "scope") : text(e, "region");
            if ("global".equalsIgnoreCase(region)) {
                region = null;
            }
            Range range = new Range(google ? "gcp" : "aws", region, text(e, "service"));
            Map<IpAddress, Range> level = byLength.computeIfAbsent(block.prefixLength(), k -> new HashMap<>());
            // AWS lists one prefix under several services ("AMAZON" and "EC2"): keep the most specific service
            Range known = level.get(block.network());
            if (known == null || "AMAZON".equals(known.service())) {
                level.put(block.network(), range);
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(name + ": no prefixes (expected AWS ip-ranges.json or Google Cloud cloud.json)");
        }
    }

    /** The most specific published range holding {@code address}; null when none. */
    public Range find(IpAddress address) {
        IpAddress a = address.unmapped();
        for (Map.Entry<Integer, Map<IpAddress, Range>> level : byLength.entrySet()) {
            int length = level.getKey();
            if (length > a.bits()) {
                continue;
            }
            Range r = level.getValue().get(a.network(length));
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** Number of ranges held. */
    public int size() {
        return size(byLength);
    }

    private static int size(TreeMap<Integer, Map<IpAddress, Range>> byLength) {
        int n = 0;
        for (Map<IpAddress, Range> m : byLength.values()) {
            n += m.size();
        }
        return n;
    }

    private static String firstText(JsonNode node, String a, String b) {
        String t = text(node, a);
        return t != null ? t : text(node, b);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }
}
