package io.itdr.it.server;

import io.itdr.server.store.TestDatabases;
import java.nio.file.Path;
import java.util.Map;

/** The server end to end on PostgreSQL (real binaries, embedded). */
class ServerEndToEndPostgresTest extends ServerEndToEndTest {
    @Override
    Map<String, Object> database(Path dir) {
        return TestDatabases.postgresProperties();
    }
}
