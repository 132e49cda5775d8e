package io.itdr.connector.okta.normalize;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the country names Okta writes in {@code client.geographicalContext.country} ("United
 * States", "Japan") into the ISO 3166-1 alpha-2 codes events carry ("US", "JP"). Names come from
 * the JDK's English country names plus the spellings geolocation databases use where the JDK's
 * differ. Immutable and thread-safe.
 */
final class Countries {
    private static final Set<String> CODES = Set.of(Locale.getISOCountries());
    private static final Map<String, String> BY_NAME = byName();

    private Countries() {
    }

    /** The alpha-2 code for a country name or code, upper-case; null when the name is not known. */
    static String code(String country) {
        if (country == null) {
            return null;
        }
        String trimmed = country.trim();
        String upper = trimmed.toUpperCase(Locale.ROOT);
        if (upper.length() == 2 && CODES.contains(upper)) {
            return upper;
        }
        return BY_NAME.get(normal(trimmed));
    }

    private static Map<String, String> byName() {
        Map<String, String> names = new HashMap<>();
        for (String code : CODES) {
            names.put(normal(new Locale("", code).getDisplayCountry(Locale.ENGLISH)), code);
        }
        // spellings of MaxMind-style geolocation (which Okta's names follow) that differ from the JDK's
        String[][] aliases = {
                {"United States of America", "US"}, {"USA", "US"}, {"United Kingdom of Great Britain and Northern Ireland", "GB"},
                {"Great Britain", "GB"}, {"Russian Federation", "RU"}, {"Republic of Korea", "KR"}, {"Korea, Republic of", "KR"},
                {"Korea", "KR"}, {"Czech Republic", "CZ"}, {"Czechia", "CZ"}, {"Vietnam", "VN"}, {"Viet Nam", "VN"},
                {"Iran, Islamic Republic of", "IR"}, {"Türkiye", "TR"}, {"Turkey", "TR"}, {"Taiwan", "TW"},
                {"Hong Kong", "HK"}, {"Macao", "MO"}, {"Macau", "MO"}, {"Republic of Moldova", "MD"}, {"Moldova", "MD"},
                {"The Netherlands", "NL"}, {"Ivory Coast", "CI"}, {"Côte d'Ivoire", "CI"}, {"Cote d'Ivoire", "CI"},
                {"Congo Republic", "CG"}, {"DR Congo", "CD"}, {"Democratic Republic of the Congo", "CD"},
                {"North Macedonia", "MK"}, {"Eswatini", "SZ"}, {"Myanmar", "MM"}, {"Burma", "MM"}, {"Palestine", "PS"},
                {"Syria", "SY"}, {"Laos", "LA"}, {"Bolivia", "BO"}, {"Venezuela", "VE"}, {"Tanzania", "TZ"}};
        for (String[] alias : aliases) {
            names.put(normal(alias[0]), alias[1]);
        }
        return Map.copyOf(names);
    }

    private static String normal(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
    }
}
