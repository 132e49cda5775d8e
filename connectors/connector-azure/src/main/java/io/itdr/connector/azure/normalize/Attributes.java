package io.itdr.connector.azure.normalize;

import io.itdr.connector.support.JsonFields;
import java.util.Map;

/** Event attributes: small, clipped, never null values. Stateless. */
final class Attributes {
    static final int MAX = 256;

    private Attributes() {
    }

    static void put(Map<String, String> attributes, String key, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(key, JsonFields.clip(value, MAX));
        }
    }
}
