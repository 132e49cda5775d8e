package io.itdr.connector.aws.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what detection needs from an IAM policy document
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html) found in a
 * request: the actions its Allow statements grant, and the accounts a trust policy lets assume
 * the role. Never copies the document. Stateless.
 */
final class PolicyDocuments {
    /** At most this many actions or accounts are read from one document. */
    static final int MAX_ITEMS = 16;
    private static final Pattern ACCOUNT_IN_ARN = Pattern.compile("^arn:[^:]+:(?:iam|sts)::(\\d{12}):");
    private static final Pattern ACCOUNT_ID = Pattern.compile("^\\d{12}$");

    private PolicyDocuments() {
    }

    /** The document as JSON (CloudTrail writes it as a string, sometimes URL-encoded); null when absent or unreadable. */
    static JsonNode parse(ObjectMapper mapper, String document) {
        if (document == null) {
            return null;
        }
        String json = document.trim().startsWith("%7B") ? URLDecoder.decode(document, StandardCharsets.UTF_8) : document;
        try {
            return mapper.readTree(json);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    static List<JsonNode> statements(JsonNode policy) {
        JsonNode statements = policy == null ? null : policy.get("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (statements == null) {
            return list;
        }
        if (statements.isArray()) {
            statements.forEach(list::add);
        } else {
            list.add(statements);
        }
        return list;
    }

    /** Actions of the Allow statements, as written ("*", "iam:*", "s3:GetObject"), at most {@link #MAX_ITEMS}. */
    static List<String> allowedActions(JsonNode policy) {
        Set<String> actions = new LinkedHashSet<>();
        for (JsonNode statement : statements(policy)) {
            if (!"Allow".equals(RecordFields.text(statement, "Effect"))) {
                continue;
            }
            strings(statement.get("Action"), actions);
            if (statement.has("NotAction")) {
                actions.add("*"); // Allow with NotAction grants everything but the listed actions
            }
        }
        return limit(actions);
    }

    /**
     * Accounts the Allow statements of a trust policy name as AWS principals: the 12-digit account
     * of each ARN or account id, "*" for everyone. Service and federated principals are not accounts.
     */
    static List<String> trustedAccounts(JsonNode policy) {
        Set<String> accounts = new LinkedHashSet<>();
        for (JsonNode statement : statements(policy)) {
            if (!"Allow".equals(RecordFields.text(statement, "Effect"))) {
                continue;
            }
            JsonNode principal = statement.get("Principal");
            if (principal == null) {
                continue;
            }
            if (principal.isTextual()) {
                if (principal.asText().equals("*")) {
                    accounts.add("*");
                }
                continue;
            }
            Set<String> aws = new LinkedHashSet<>();
            strings(principal.get("AWS"), aws);
            for (String p : aws) {
                Matcher m = ACCOUNT_IN_ARN.matcher(p);
                if (p.equals("*")) {
                    accounts.add("*");
                } else if (m.find()) {
                    accounts.add(m.group(1));
                } else if (ACCOUNT_ID.matcher(p).matches()) {
                    accounts.add(p);
                }
            }
        }
        return limit(accounts);
    }

    private static void strings(JsonNode node, Set<String> into) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            into.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(n -> {
                if (n.isTextual()) {
                    into.add(n.asText());
                }
            });
        }
    }

    private static List<String> limit(Set<String> items) {
        List<String> list = new ArrayList<>(items);
        return list.size() > MAX_ITEMS ? List.copyOf(list.subList(0, MAX_ITEMS)) : List.copyOf(list);
    }
}
