package io.itdr.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON the store writes into its {@code body} and {@code evidence} columns: the engine's records
 * (findings, decisions, action records with their plans and snapshots) as Jackson maps them, times
 * as ISO-8601 text. Thread-safe.
 */
public final class StoreJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    private static final TypeReference<TreeMap<String, String>> TEXT_MAP = new TypeReference<>() { };

    private StoreJson() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @throws StoreException when {@code json} is not a {@code type} (a row written by another
     *         version, or changed by hand); the message names the type and the row
     */
    public static <T> T read(String json, Class<T> type, String row) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            throw new StoreException("stored " + type.getSimpleName() + " of " + row + " cannot be read: " + e.getMessage(), e);
        }
    }

    static Map<String, String> readTextMap(String json, String row) {
        try {
            return MAPPER.readValue(json, TEXT_MAP);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored evidence of " + row + " is not a JSON object of strings: " + e.getOriginalMessage(), e);
        }
    }
}
