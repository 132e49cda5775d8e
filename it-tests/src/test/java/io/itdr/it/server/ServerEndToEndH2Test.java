package io.itdr.it.server;

import java.nio.file.Path;
import java.util.Map;

/** The server end to end on its embedded default: an H2 file database opened with WRITE_DELAY=0. */
class ServerEndToEndH2Test extends ServerEndToEndTest {
    @Override
    Map<String, Object> database(Path dir) {
        return Map.of("spring.datasource.url", "jdbc:h2:file:" + dir.resolve("data/itdr").toAbsolutePath() + ";WRITE_DELAY=0");
    }
}
