package io.itdr.connector.aws.normalize;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a CloudTrail record that {@link CloudTrailRecordMapper} reads, picked from the
 * streaming parser; every other value is skipped unread ({@link JsonParser#skipChildren()}), so no
 * tree of the record is built. Reads as a {@link RecordView} exactly as the record's tree would.
 *
 * <p>Where the picked values could read differently from the tree, the record is <em>declined</em>
 * and the caller reads it as a tree: a number in a picked field (a tree gives its own text for it),
 * an item of a list of names that is not a string, a required field ({@code eventID},
 * {@code eventTime}, {@code userIdentity}) missing or of another kind (the tree's rejection names
 * it), and any field that makes the record another shape ({@code detail} of an EventBridge event,
 * {@code CloudTrailEvent} of a LookupEvents item, an envelope's record array on a line).
 *
 * <p>One instance is reused record after record by one reading thread; what {@link #read} fills is
 * valid until the next call. Duplicate field names read as a tree does: the last one counts.
 */
final class PickedFields implements RecordView {
    private enum Kind {
        /** A string or boolean (as "true"/"false"); null for JSON null and containers. */
        TEXT,
        /** A string; JSON null reads as null; any other kind declines the record. */
        STRICT_TEXT,
        /** An object, picked with its own schema; anything else reads as null. */
        OBJECT,
        /** An array of strings; any other item declines the record. */
        TEXTS,
        /** An array whose first item, when an object, is picked with its own schema. */
        FIRST,
        /** The record is of another shape. */
        DECLINE
    }

    /** Which fields of one object are picked, and how. */
    private static final class Schema {
        final Map<String, Integer> index = new HashMap<>();
        final List<Kind> kinds = new ArrayList<>();
        final List<Schema> children = new ArrayList<>();

        Schema field(Kind kind, String... names) {
            for (String name : names) {
                add(name, kind, null);
            }
            return this;
        }

        Schema object(String name, Schema child) {
            return add(name, Kind.OBJECT, child);
        }

        Schema first(String name, Schema child) {
            return add(name, Kind.FIRST, child);
        }

        private Schema add(String name, Kind kind, Schema child) {
            if (index.putIfAbsent(name, kinds.size()) != null) {
                throw new IllegalArgumentException("picked twice: " + name);
            }
            kinds.add(kind);
            children.add(child);
            return this;
        }
    }

    private static Schema schema() {
        return new Schema();
    }

    /** What the mapper reads: its readers name the same fields (CloudTrailRecordMapper, RecordFields). */
    private static final Schema RECORD = schema()
            .field(Kind.STRICT_TEXT, "eventID", "eventTime")
            .field(Kind.TEXT, "eventSource", "eventName", "recipientAccountId", "awsRegion", "eventType", "errorCode",
                    "errorMessage", "vpcEndpointId", "sourceIPAddress", "userAgent")
            .object("userIdentity", schema()
                    .field(Kind.TEXT, "type", "arn", "accountId", "principalId", "userName", "accessKeyId", "invokedBy",
                            "credentialId", "identityProvider")
                    .object("sessionContext", schema()
                            .field(Kind.TEXT, "sourceIdentity", "ec2RoleDelivery")
                            .object("sessionIssuer", schema().field(Kind.TEXT, "arn", "userName"))
                            .object("attributes", schema().field(Kind.TEXT, "creationDate", "mfaAuthenticated")))
                    .object("onBehalfOf", schema().field(Kind.TEXT, "userId", "identityStoreArn"))
                    .object("inScopeOf", schema().field(Kind.TEXT, "credentialsIssuedTo", "issuerType")))
            .object("requestParameters", schema()
                    .field(Kind.TEXT, CloudTrailRecordMapper.RESOURCE_PARAMETERS.toArray(String[]::new))
                    .field(Kind.TEXT, "groupName", "policyArn", "policyName", "policyDocument", "setAsDefault", "accessKeyId",
                            "status", "assumeRolePolicyDocument", "roleArn", "roleSessionName", "sourceIdentity")
                    .field(Kind.TEXTS, CloudTrailRecordMapper.RESOURCE_LISTS.toArray(String[]::new))
                    .object("instancesSet", schema().first("items", schema().field(Kind.TEXT, "instanceId"))))
            .object("responseElements", schema()
                    .field(Kind.TEXT, "ConsoleLogin")
                    .object("accessKey", schema().field(Kind.TEXT, "accessKeyId", "userName"))
                    .object("user", schema().field(Kind.TEXT, "arn"))
                    .object("role", schema().field(Kind.TEXT, "arn"))
                    .object("credentials", schema().field(Kind.TEXT, "accessKeyId")))
            .object("additionalEventData", schema().field(Kind.TEXT, "MFAUsed"))
            .field(Kind.DECLINE, "detail", "CloudTrailEvent", "Records", "Findings", "findings", "Events");

    private final Schema schema;
    /** Per field: null, a String (TEXT, STRICT_TEXT), this field's PickedFields (OBJECT, FIRST) or a List of String (TEXTS). */
    private final Object[] values;
    /** The objects below, made once and reused. */
    private final PickedFields[] children;
    private boolean declined;

    /** Picks a record's fields. */
    PickedFields() {
        this(RECORD);
    }

    private PickedFields(Schema schema) {
        this.schema = schema;
        this.values = new Object[schema.kinds.size()];
        this.children = new PickedFields[schema.kinds.size()];
        for (int i = 0; i < children.length; i++) {
            Schema child = schema.children.get(i);
            children[i] = child == null ? null : new PickedFields(child);
        }
    }

    /**
     * Reads the record whose {@code START_OBJECT} the parser is on, up to its {@code END_OBJECT}.
     *
     * @return this, filled, or null when the record is declined (read it as a tree)
     */
    PickedFields read(JsonParser parser) throws IOException {
        declined = false;
        readObject(parser, this);
        if (declined || text("eventID") == null || text("eventTime") == null || object("userIdentity") == null) {
            return null; // the tree's rejection says which required field is wrong, and how
        }
        return this;
    }

    /** Fills {@code into} from the object the parser is in (just after its START_OBJECT); {@code declined} is on the root. */
    private void readObject(JsonParser parser, PickedFields into) throws IOException {
        Arrays.fill(into.values, null);
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            Integer slot = into.schema.index.get(parser.currentName());
            JsonToken value = parser.nextToken();
            if (slot == null) {
                parser.skipChildren();
                continue;
            }
            int i = slot;
            into.values[i] = switch (into.schema.kinds.get(i)) {
                case TEXT -> switch (value) {
                    case VALUE_STRING -> parser.getText();
                    case VALUE_TRUE -> "true";
                    case VALUE_FALSE -> "false";
                    case VALUE_NULL, START_OBJECT, START_ARRAY -> skip(parser);
                    default -> decline(parser); // a number: a tree writes it in its own way
                };
                case STRICT_TEXT -> value == JsonToken.VALUE_STRING ? parser.getText()
                        : value == JsonToken.VALUE_NULL ? null : decline(parser);
                case OBJECT -> {
                    if (value != JsonToken.START_OBJECT) {
                        yield skip(parser);
                    }
                    readObject(parser, into.children[i]);
                    yield into.children[i];
                }
                case TEXTS -> value == JsonToken.START_ARRAY ? readTexts(parser) : skip(parser);
                case FIRST -> value == JsonToken.START_ARRAY ? readFirst(parser, into.children[i]) : skip(parser);
                case DECLINE -> decline(parser);
            };
        }
        if (token != JsonToken.END_OBJECT) {
            throw new IllegalStateException("expected the end of an object, found " + token);
        }
    }

    /** The string items of the array the parser is on; null when empty. */
    private List<String> readTexts(JsonParser parser) throws IOException {
        List<String> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == JsonToken.VALUE_STRING) {
                items.add(parser.getText());
            } else {
                decline(parser); // a tree's text for a number, null or container differs
            }
        }
        return items.isEmpty() ? null : items;
    }

    /** The first item of the array the parser is on when it is an object, read into {@code into}; else null. */
    private PickedFields readFirst(JsonParser parser, PickedFields into) throws IOException {
        PickedFields first = null;
        boolean atFirst = true;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (atFirst && token == JsonToken.START_OBJECT) {
                readObject(parser, into);
                first = into;
            } else {
                parser.skipChildren();
            }
            atFirst = false;
        }
        return first;
    }

    private static Object skip(JsonParser parser) throws IOException {
        parser.skipChildren();
        return null;
    }

    private Object decline(JsonParser parser) throws IOException {
        declined = true;
        parser.skipChildren();
        return null;
    }

    /** The value of a picked field, which must be picked as {@code kind} (or {@code or}): reading another is a bug. */
    private Object value(String field, Kind kind, Kind or) {
        Integer slot = schema.index.get(field);
        Kind picked = slot == null ? null : schema.kinds.get(slot);
        if (picked != kind && picked != or) {
            throw new IllegalStateException("not picked as " + kind + ": " + field);
        }
        return values[slot];
    }

    @Override
    public String text(String field) {
        String text = (String) value(field, Kind.TEXT, Kind.STRICT_TEXT);
        return text == null || text.isBlank() ? null : text;
    }

    @Override
    public RecordView object(String field) {
        return (RecordView) value(field, Kind.OBJECT, Kind.OBJECT);
    }

    @Override
    public Boolean bool(String field) {
        String text = (String) value(field, Kind.TEXT, Kind.STRICT_TEXT);
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        if (trimmed.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        return trimmed.equalsIgnoreCase("false") ? Boolean.FALSE : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> texts(String field) {
        return (List<String>) value(field, Kind.TEXTS, Kind.TEXTS);
    }

    @Override
    public RecordView first(String field) {
        return (RecordView) value(field, Kind.FIRST, Kind.FIRST);
    }
}
