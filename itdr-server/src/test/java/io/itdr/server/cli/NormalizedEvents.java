package io.itdr.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds lines of itdr's normalized event format (see {@code EventJson}) for replay inputs. */
final class NormalizedEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NormalizedEvents() {
    }

    /** A valid api_call event with the required fields only. */
    static ObjectNode apiCall(String id, String time, String identityId) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", id);
        event.put("time", time);
        event.put("platform", "aws");
        event.putObject("identity").put("id", identityId);
        event.put("category", "api_call");
        event.put("action", "GetCallerIdentity");
        event.put("outcome", "success");
        return event;
    }

    /** A platform finding confident enough for the default policy to intend disable_credential. */
    static ObjectNode platformFinding(String id, String time, String identityId) {
        ObjectNode event = apiCall(id, time, identityId);
        event.put("category", "platform_finding");
        event.put("action", "GuardDutyFinding");
        ObjectNode finding = event.putObject("finding");
        finding.put("type", "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS");
        finding.put("confidence", 0.95);
        finding.put("severity", "HIGH");
        return event;
    }

    /** Writes one JSON object per line, LF-terminated. */
    static Path write(Path file, List<ObjectNode> events) {
        StringBuilder text = new StringBuilder();
        for (ObjectNode event : events) {
            text.append(line(event)).append('\n');
        }
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String line(ObjectNode event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
