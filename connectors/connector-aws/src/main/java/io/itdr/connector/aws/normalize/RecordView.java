package io.itdr.connector.aws.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.support.JsonFields;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link CloudTrailRecordMapper} reads from a CloudTrail record or one of the objects in it,
 * read leniently: a field that is missing, JSON null, blank or of another kind reads as null. Two
 * readings give the same answers: {@link #of(JsonNode)} over a tree, and {@link PickedFields}, the
 * fields the streaming parser picked out of the record's bytes.
 */
interface RecordView {
    /** The field as text when it is a non-blank string or a boolean ({@link RecordFields#text}), else null. */
    String text(String field);

    /** The field when it is an object, else null. */
    RecordView object(String field);

    /** A boolean written as JSON boolean or as the string "true"/"false" (any case, trimmed) ({@link JsonFields#bool}), else null. */
    Boolean bool(String field);

    /** The items of the field, each as text, when it is a non-empty array; else null. */
    List<String> texts(String field);

    /** The first item of the field when it is a non-empty array whose first item is an object; else null. */
    RecordView first(String field);

    /** A reading of {@code node}; null when it is not an object. */
    static RecordView of(JsonNode node) {
        return node != null && node.isObject() ? new Tree(node) : null;
    }

    /** Over a JSON object read as a tree. */
    record Tree(JsonNode node) implements RecordView {
        @Override
        public String text(String field) {
            return RecordFields.text(node, field);
        }

        @Override
        public RecordView object(String field) {
            return of(JsonFields.object(node, field));
        }

        @Override
        public Boolean bool(String field) {
            return JsonFields.bool(node, field);
        }

        @Override
        public List<String> texts(String field) {
            JsonNode list = node.get(field);
            if (list == null || !list.isArray() || list.isEmpty()) {
                return null;
            }
            List<String> items = new ArrayList<>(list.size());
            list.forEach(n -> items.add(n.asText()));
            return items;
        }

        @Override
        public RecordView first(String field) {
            JsonNode list = node.get(field);
            return list == null || !list.isArray() || list.isEmpty() ? null : of(list.get(0));
        }
    }
}
