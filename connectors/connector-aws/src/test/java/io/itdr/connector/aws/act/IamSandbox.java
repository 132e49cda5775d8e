package io.itdr.connector.aws.act;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * A stateful stand-in for the IAM Query API on WireMock: every call is {@code POST /} with a
 * form body whose {@code Action=} parameter names the operation; answers are the XML documents of
 * the IAM API Reference (https://docs.aws.amazon.com/IAM/latest/APIReference/), computed from an
 * in-memory account. Lists of keys, tags and policies page one item at a time (Marker /
 * IsTruncated) so the SDK paginators are exercised; ListUsers and ListRoles honour MaxItems and
 * mark positions by name. CreateAccessKey issues a fresh random secret ({@link #issuedSecrets}, the
 * canary of secret-leak checks) and refuses a third key with LimitExceeded, as IAM does.
 * {@link #hooks} delay an answer or change the account right after one. Errors use the Query error shape
 * ({@code <ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code>…}).
 *
 * <p>Thread-safe enough for tests: the model is synchronized on this object.
 */
public final class IamSandbox implements ResponseDefinitionTransformerV2 {
    static final String NAME = "iam-sandbox";
    private static final String NS = "https://iam.amazonaws.com/doc/2010-05-08/";
    /** The account of principals that name none. */
    public static final String DEFAULT_ACCOUNT = "123456789012";

    /** Creation time of keys, users and roles that were not given one. */
    public static final String DEFAULT_CREATED = "2024-01-10T08:00:00Z";

    /**
     * One IAM user: access key id → status (and creation time when not {@link #DEFAULT_CREATED}),
     * the service each key was last used with, tags, inline policy name → document, attached
     * managed policy ARNs.
     */
    public static final class User {
        /** The account in the user's ARN; null for {@link #DEFAULT_ACCOUNT}. */
        public String account;
        public final Map<String, String> keys = new LinkedHashMap<>();
        public final Map<String, String> keyCreated = new LinkedHashMap<>();
        public final Map<String, String> lastUsedService = new LinkedHashMap<>();
        public final Map<String, String> tags = new LinkedHashMap<>();
        public final Map<String, String> inline = new LinkedHashMap<>();
        public final Set<String> attached = new LinkedHashSet<>();
    }

    /** One IAM role: tags, inline policy name → document as put, attached managed policy ARNs. */
    public static final class Role {
        /** The account in the role's ARN; null for {@link #DEFAULT_ACCOUNT}. */
        public String account;
        public final Map<String, String> tags = new LinkedHashMap<>();
        public final Map<String, String> inline = new LinkedHashMap<>();
        public final Set<String> attached = new LinkedHashSet<>();
    }

    public final Map<String, User> users = new LinkedHashMap<>();
    public final Map<String, Role> roles = new LinkedHashMap<>();
    /** Secret access key of every key CreateAccessKey issued, by key id: the canary tests look for. */
    public final Map<String, String> issuedSecrets = new LinkedHashMap<>();
    /** The time CreateAccessKey stamps on new keys. */
    public String now = "2024-06-01T12:00:05Z";
    /** One-shot delays and side effects, per action. */
    public final OneShotHooks hooks = new OneShotHooks();
    private int issued;

    /** Registers one stub per supported action, each citing its API reference page. */
    public void stubActions(WireMockServer server) {
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html
        stub(server, "ListAccessKeys");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html
        stub(server, "GetAccessKeyLastUsed");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html
        stub(server, "UpdateAccessKey");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
        stub(server, "GetRole");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html (PolicyDocument is URL-encoded)
        stub(server, "GetRolePolicy");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
        stub(server, "PutRolePolicy");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePolicy.html
        stub(server, "DeleteRolePolicy");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUserPolicy.html (PolicyDocument is URL-encoded)
        stub(server, "GetUserPolicy");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html
        stub(server, "PutUserPolicy");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUserPolicy.html
        stub(server, "DeleteUserPolicy");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedUserPolicies.html
        stub(server, "ListAttachedUserPolicies");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedRolePolicies.html
        stub(server, "ListAttachedRolePolicies");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html
        stub(server, "AttachUserPolicy");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachUserPolicy.html
        stub(server, "DetachUserPolicy");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html
        stub(server, "AttachRolePolicy");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachRolePolicy.html
        stub(server, "DetachRolePolicy");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html (MaxItems, Marker, IsTruncated)
        stub(server, "ListUsers");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html
        stub(server, "ListRoles");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html
        stub(server, "GetUser");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserTags.html
        stub(server, "ListUserTags");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoleTags.html
        stub(server, "ListRoleTags");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserPolicies.html
        stub(server, "ListUserPolicies");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRolePolicies.html
        stub(server, "ListRolePolicies");
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html (LimitExceeded at 2 keys:
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
        stub(server, "CreateAccessKey");
    }

    private static void stub(WireMockServer server, String action) {
        server.stubFor(post(urlEqualTo("/")).withRequestBody(matching(actionPattern(action)))
                .willReturn(aResponse().withTransformers(NAME)));
    }

    /** A body pattern matching one Action= parameter of a form-encoded Query request. */
    public static String actionPattern(String action) {
        return "(.*&)?Action=" + action + "(&.*)?";
    }

    /**
     * The operation of every request the server received, in order: the Action= of Query requests,
     * the part of X-Amz-Target after the last '.' for JSON requests ("PutSecretValue").
     */
    public static List<String> actions(WireMockServer server) {
        List<String> actions = new ArrayList<>();
        for (ServeEvent event : server.getAllServeEvents()) {
            String target = event.getRequest().getHeader("X-Amz-Target");
            actions.add(0, target != null ? target.substring(target.lastIndexOf('.') + 1)
                    : form(event.getRequest()).getOrDefault("Action", "?"));
        }
        return actions;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Map<String, String> p = form(serveEvent.getRequest());
        String action = p.getOrDefault("Action", "");
        synchronized (this) {
            return hooks.apply(action, answer(action, p));
        }
    }

    private ResponseDefinition answer(String action, Map<String, String> p) {
        switch (action) {
            case "ListAccessKeys": {
                User user = users.get(p.get("UserName"));
                if (user == null) {
                    return noSuchEntity("The user with name " + p.get("UserName") + " cannot be found.");
                }
                List<String> members = new ArrayList<>();
                user.keys.forEach((id, status) -> members.add("<member><UserName>" + x(p.get("UserName")) + "</UserName><AccessKeyId>"
                        + x(id) + "</AccessKeyId><Status>" + x(status) + "</Status><CreateDate>" + user.keyCreated.getOrDefault(id, DEFAULT_CREATED)
                        + "</CreateDate></member>"));
                return page(action, "<UserName>" + x(p.get("UserName")) + "</UserName>", "AccessKeyMetadata", members, p);
            }
            case "GetAccessKeyLastUsed": {
                for (Map.Entry<String, User> user : users.entrySet()) {
                    String service = user.getValue().lastUsedService.get(p.get("AccessKeyId"));
                    if (user.getValue().keys.containsKey(p.get("AccessKeyId"))) {
                        String used = service == null ? "<ServiceName>N/A</ServiceName><Region>N/A</Region>"
                                : "<LastUsedDate>2024-05-30T10:45:00Z</LastUsedDate><ServiceName>" + x(service) + "</ServiceName><Region>us-east-1</Region>";
                        return ok(action, "<AccessKeyLastUsed>" + used + "</AccessKeyLastUsed><UserName>" + x(user.getKey()) + "</UserName>");
                    }
                }
                return error(400, "AccessDenied", "no such key");
            }
            case "UpdateAccessKey": {
                User user = users.get(p.get("UserName"));
                if (user == null || !user.keys.containsKey(p.get("AccessKeyId"))) {
                    return noSuchEntity("The Access Key with id " + p.get("AccessKeyId") + " cannot be found.");
                }
                user.keys.put(p.get("AccessKeyId"), p.get("Status"));
                return ok(action, null);
            }
            case "GetRole": {
                if (!roles.containsKey(p.get("RoleName"))) {
                    return noSuchEntity("The role with name " + p.get("RoleName") + " cannot be found.");
                }
                return ok(action, "<Role>" + role(p.get("RoleName")) + "</Role>");
            }
            case "GetRolePolicy": {
                Role role = roles.get(p.get("RoleName"));
                String document = role == null ? null : role.inline.get(p.get("PolicyName"));
                if (document == null) {
                    return noSuchEntity("The role policy with name " + p.get("PolicyName") + " cannot be found.");
                }
                String encoded = URLEncoder.encode(document, StandardCharsets.UTF_8).replace("+", "%20");
                return ok(action, "<RoleName>" + x(p.get("RoleName")) + "</RoleName><PolicyName>" + x(p.get("PolicyName"))
                        + "</PolicyName><PolicyDocument>" + x(encoded) + "</PolicyDocument>");
            }
            case "PutRolePolicy": {
                Role role = roles.get(p.get("RoleName"));
                if (role == null) {
                    return noSuchEntity("The role with name " + p.get("RoleName") + " cannot be found.");
                }
                role.inline.put(p.get("PolicyName"), p.get("PolicyDocument"));
                return ok(action, null);
            }
            case "DeleteRolePolicy": {
                Role role = roles.get(p.get("RoleName"));
                if (role == null || role.inline.remove(p.get("PolicyName")) == null) {
                    return noSuchEntity("The role policy with name " + p.get("PolicyName") + " cannot be found.");
                }
                return ok(action, null);
            }
            case "GetUserPolicy": {
                User user = users.get(p.get("UserName"));
                String document = user == null ? null : user.inline.get(p.get("PolicyName"));
                if (document == null) {
                    return noSuchEntity("The user policy with name " + p.get("PolicyName") + " cannot be found.");
                }
                String encoded = URLEncoder.encode(document, StandardCharsets.UTF_8).replace("+", "%20");
                return ok(action, "<UserName>" + x(p.get("UserName")) + "</UserName><PolicyName>" + x(p.get("PolicyName"))
                        + "</PolicyName><PolicyDocument>" + x(encoded) + "</PolicyDocument>");
            }
            case "PutUserPolicy": {
                User user = users.get(p.get("UserName"));
                if (user == null) {
                    return noSuchEntity("The user with name " + p.get("UserName") + " cannot be found.");
                }
                user.inline.put(p.get("PolicyName"), p.get("PolicyDocument"));
                return ok(action, null);
            }
            case "DeleteUserPolicy": {
                User user = users.get(p.get("UserName"));
                if (user == null || user.inline.remove(p.get("PolicyName")) == null) {
                    return noSuchEntity("The user policy with name " + p.get("PolicyName") + " cannot be found.");
                }
                return ok(action, null);
            }
            case "ListAttachedUserPolicies":
            case "ListAttachedRolePolicies": {
                boolean user = action.equals("ListAttachedUserPolicies");
                Set<String> attached = attached(user, p);
                if (attached == null) {
                    return noSuchEntity("The " + (user ? "user" : "role") + " cannot be found.");
                }
                List<String> members = new ArrayList<>();
                for (String arn : attached) {
                    members.add("<member><PolicyName>" + x(arn.substring(arn.lastIndexOf('/') + 1)) + "</PolicyName><PolicyArn>" + x(arn) + "</PolicyArn></member>");
                }
                return page(action, "", "AttachedPolicies", members, p);
            }
            case "AttachUserPolicy":
            case "AttachRolePolicy":
            case "DetachUserPolicy":
            case "DetachRolePolicy": {
                Set<String> attached = attached(action.contains("User"), p);
                if (attached == null) {
                    return noSuchEntity("The principal cannot be found.");
                }
                if (action.startsWith("Attach")) {
                    attached.add(p.get("PolicyArn"));
                } else if (!attached.remove(p.get("PolicyArn"))) {
                    return noSuchEntity("Policy " + p.get("PolicyArn") + " was not found.");
                }
                return ok(action, null);
            }
            case "ListUsers":
                return principals(action, "Users", users.keySet(), p,
                        name -> "<Path>/</Path><UserName>" + x(name) + "</UserName><UserId>AIDA" + id(name) + "</UserId><Arn>"
                                + arnPrefix(users.get(name).account) + "user/" + x(name) + "</Arn><CreateDate>" + DEFAULT_CREATED + "</CreateDate>");
            case "ListRoles":
                return principals(action, "Roles", roles.keySet(), p, name -> role(name));
            case "GetUser": {
                String name = p.get("UserName");
                if (!users.containsKey(name)) {
                    return noSuchEntity("The user with name " + name + " cannot be found.");
                }
                return ok(action, "<User><Path>/</Path><UserName>" + x(name) + "</UserName><UserId>AIDA" + id(name) + "</UserId><Arn>"
                        + arnPrefix(users.get(name).account) + "user/" + x(name) + "</Arn><CreateDate>" + DEFAULT_CREATED + "</CreateDate></User>");
            }
            case "ListUserTags":
            case "ListRoleTags": {
                boolean user = action.equals("ListUserTags");
                Map<String, String> tags = user ? (users.containsKey(p.get("UserName")) ? users.get(p.get("UserName")).tags : null)
                        : (roles.containsKey(p.get("RoleName")) ? roles.get(p.get("RoleName")).tags : null);
                if (tags == null) {
                    return noSuchEntity("The " + (user ? "user" : "role") + " cannot be found.");
                }
                List<String> members = new ArrayList<>();
                tags.forEach((k, v) -> members.add("<member><Key>" + x(k) + "</Key><Value>" + x(v) + "</Value></member>"));
                return page(action, "", "Tags", members, p);
            }
            case "ListUserPolicies":
            case "ListRolePolicies": {
                boolean user = action.equals("ListUserPolicies");
                Map<String, String> inline = user ? (users.containsKey(p.get("UserName")) ? users.get(p.get("UserName")).inline : null)
                        : (roles.containsKey(p.get("RoleName")) ? roles.get(p.get("RoleName")).inline : null);
                if (inline == null) {
                    return noSuchEntity("The " + (user ? "user" : "role") + " cannot be found.");
                }
                List<String> members = new ArrayList<>();
                inline.keySet().forEach(name -> members.add("<member>" + x(name) + "</member>"));
                return page(action, "", "PolicyNames", members, p);
            }
            case "CreateAccessKey": {
                User user = users.get(p.get("UserName"));
                if (user == null) {
                    return noSuchEntity("The user with name " + p.get("UserName") + " cannot be found.");
                }
                if (user.keys.size() >= 2) {
                    return error(409, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2");
                }
                issued++;
                String id = String.format("AKIANEWKEY%010d", issued);
                String secret = "sandbox-secret-" + UUID.randomUUID();
                user.keys.put(id, "Active");
                user.keyCreated.put(id, now);
                issuedSecrets.put(id, secret);
                return ok(action, "<AccessKey><UserName>" + x(p.get("UserName")) + "</UserName><AccessKeyId>" + id
                        + "</AccessKeyId><Status>Active</Status><SecretAccessKey>" + x(secret) + "</SecretAccessKey><CreateDate>"
                        + now + "</CreateDate></AccessKey>");
            }
            default:
                return error(400, "InvalidAction", "Could not find operation " + action);
        }
    }

    private static String arnPrefix(String account) {
        return "arn:aws:iam::" + (account == null ? DEFAULT_ACCOUNT : account) + ":";
    }

    private String role(String name) {
        return "<Path>/</Path><RoleName>" + x(name) + "</RoleName><RoleId>AROA" + id(name) + "</RoleId><Arn>" + arnPrefix(roles.get(name).account) + "role/"
                + x(name) + "</Arn><CreateDate>" + DEFAULT_CREATED + "</CreateDate><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument>";
    }

    /** A stable, unique-enough id suffix for a principal name. */
    private static String id(String name) {
        return String.format("%016X", name.hashCode() & 0xffffffffL);
    }

    /**
     * ListUsers / ListRoles: sorted by name, MaxItems per page (default 100), and a Marker naming the
     * next item, so that a principal deleted between pages does not shift the others (as IAM's
     * opaque markers do not).
     */
    private static ResponseDefinition principals(String action, String listElement, Set<String> names, Map<String, String> p,
                                                 Function<String, String> member) {
        List<String> sorted = new ArrayList<>(new TreeSet<>(names));
        String from = p.containsKey("Marker") ? new String(Base64.getUrlDecoder().decode(p.get("Marker")), StandardCharsets.UTF_8) : "";
        int max = p.containsKey("MaxItems") ? Integer.parseInt(p.get("MaxItems")) : 100;
        List<String> remaining = sorted.stream().filter(n -> n.compareTo(from) >= 0).toList();
        StringBuilder body = new StringBuilder("<" + listElement + ">");
        remaining.stream().limit(max).forEach(n -> body.append("<member>").append(member.apply(n)).append("</member>"));
        body.append("</").append(listElement).append(">");
        boolean more = remaining.size() > max;
        body.append("<IsTruncated>").append(more).append("</IsTruncated>");
        if (more) {
            body.append("<Marker>").append(Base64.getUrlEncoder().encodeToString(remaining.get(max).getBytes(StandardCharsets.UTF_8)))
                    .append("</Marker>");
        }
        return ok(action, body.toString());
    }

    private Set<String> attached(boolean user, Map<String, String> p) {
        if (user) {
            User u = users.get(p.get("UserName"));
            return u == null ? null : u.attached;
        }
        Role r = roles.get(p.get("RoleName"));
        return r == null ? null : r.attached;
    }

    /** One item per page: Marker is the index of the next item. */
    private static ResponseDefinition page(String action, String head, String listElement, List<String> members, Map<String, String> p) {
        int from = p.containsKey("Marker") ? Integer.parseInt(p.get("Marker")) : 0;
        String body = head + "<" + listElement + ">" + (from < members.size() ? members.get(from) : "") + "</" + listElement + ">";
        boolean more = from + 1 < members.size();
        body += "<IsTruncated>" + more + "</IsTruncated>" + (more ? "<Marker>" + (from + 1) + "</Marker>" : "");
        return ok(action, body);
    }

    static ResponseDefinition ok(String action, String result) {
        String xml = "<" + action + "Response xmlns=\"" + NS + "\">"
                + (result == null ? "" : "<" + action + "Result>" + result + "</" + action + "Result>")
                + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata></" + action + "Response>";
        return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody(xml).build();
    }

    static ResponseDefinition noSuchEntity(String message) {
        return error(404, "NoSuchEntity", message);
    }

    static ResponseDefinition error(int status, String code, String message) {
        return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(status)
                .withHeader("Content-Type", "text/xml").withBody(errorXml(code, message)).build();
    }

    /** The Query API error document. */
    public static String errorXml(String code, String message) {
        return "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + x(message)
                + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>";
    }

    static Map<String, String> form(LoggedRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        String body = request.getBodyAsString();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static String x(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
