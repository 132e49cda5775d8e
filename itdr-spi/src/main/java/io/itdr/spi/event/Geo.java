package io.itdr.spi.event;

/**
 * Where a source is, as far as the platform (or a resolver) knows. Every field may be null;
 * latitude and longitude come as a pair or not at all.
 *
 * @param country ISO 3166-1 alpha-2 country code, upper-case
 * @param region  region or state; for cloud-internal sources, the cloud region
 * @param city    city name
 * @param lat     latitude in degrees, -90..90
 * @param lon     longitude in degrees, -180..180
 */
public record Geo(String country, String region, String city, Double lat, Double lon) {
    public Geo {
        if ((lat == null) != (lon == null)) {
            throw new IllegalArgumentException("latitude and longitude come together: lat=" + lat + " lon=" + lon);
        }
        if (lat != null && (lat.isNaN() || lat < -90 || lat > 90)) {
            throw new IllegalArgumentException("latitude out of range: " + lat);
        }
        if (lon != null && (lon.isNaN() || lon < -180 || lon > 180)) {
            throw new IllegalArgumentException("longitude out of range: " + lon);
        }
    }

    public boolean hasCoordinates() {
        return lat != null;
    }
}
