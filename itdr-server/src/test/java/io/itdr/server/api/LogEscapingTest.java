package io.itdr.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.itdr.server.intake.EventIntake;
import io.itdr.server.security.Role;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Platform and request text reaches the server's log escaped: rejections of pushed records and a
 * pushed record with CR, LF, ESC and U+2028 in its user name give one well-formed line per entry
 * in the Logback output, and no raw control character.
 */
class LogEscapingTest extends ApiServerTest {
    private static final String HOSTILE = "evil\r\n06:00:00.000 ERROR io.itdr.Forged - forged\u001b[2J\u2028after\u2029\u0085";

    @Test
    void rejectionsAndPushedRecordsAreLoggedOneLineEach() {
        String log = captureLog(() -> {
            server.bean(EventIntake.class).rejected("aws", 1, List.of(new Rejection("push:aws:" + HOSTILE, "bad " + HOSTILE)));
            String record = """
                    {"Records": [
                      {"eventVersion": "1.05", "eventTime": "%1$s", "eventSource": "iam.amazonaws.com", "eventName": "%1$s",
                       "eventID": "evt-%1$s", "userIdentity": {"type": "IAMUser", "userName": "%1$s", "arn": "%1$s"}}
                    ]}""".formatted(HOSTILE.replace("\r", "\\r").replace("\n", "\\n").replace("\u001b", "\\u001b"));
            ApiClient.Response response = as(Role.RESPONDER).postText("/api/v1/ingest/aws", record, "application/json");
            assertThat(response.status()).as(response.toString()).isEqualTo(202);
            awaitPushesProcessed(); // the worker's log lines too
        });
        List<String> lines = log.lines().toList();
        assertThat(lines).as(log).filteredOn(line -> line.contains("rejected")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines).as(log).allMatch(line -> line.matches("(TRACE|DEBUG|INFO|WARN|ERROR) [\\w.$]+ - .*"));
        assertThat(log.chars().filter(c -> c != '\n' && (Character.isISOControl(c) || c == 0x2028 || c == 0x2029))).as(log).isEmpty();
        assertThat(log).contains("evil\\u000d\\u000a06:00:00.000 ERROR io.itdr.Forged - forged\\u001b[2J\\u2028after\\u2029\\u0085");
    }

    /** What the root logger wrote while {@code action} ran, as {@code LEVEL logger - message} lines. */
    private static String captureLog(Runnable action) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %logger - %msg%n");
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(captured);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        try {
            action.run();
        } finally {
            root.detachAppender(appender);
            appender.stop();
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
