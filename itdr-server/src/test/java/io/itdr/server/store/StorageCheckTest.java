package io.itdr.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.server.ItdrServerApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;

/**
 * Unusable storage is refused at start-up with a clear message, and health says DOWN while writes
 * fail (hardening issue, finding 5: a read-only database started with db UP and failed writes with
 * 500; a zero-byte file was silently recreated with a new bootstrap admin token).
 */
class StorageCheckTest {
    @TempDir
    Path dir;

    private static JdbcDataSource h2(String url) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser("sa");
        return h2;
    }

    @Test
    void aZeroByteDatabaseFileStopsTheServerAndIsLeftAsItWas() throws Exception {
        Path file = Files.createFile(dir.resolve("itdr.mv.db"));
        String url = "jdbc:h2:file:" + dir.resolve("itdr") + ";WRITE_DELAY=0";

        assertThatThrownBy(() -> ItdrServerApplication.start(Map.of(), "--server.port=0", "--spring.datasource.url=" + url,
                "--itdr.security.bootstrap-admin-token=itdr_storage-test-0123456789abcdef0123").close())
                .satisfies(e -> assertThat(rootOfKind(e)).isNotNull()
                        .satisfies(s -> assertThat(s.getMessage()).contains(file.toString()).contains("is empty (0 bytes)")));
        assertThat(Files.size(file)).as("not recreated as a new empty database").isZero();
    }

    @Test
    void aReadOnlyDatabaseIsRefusedAfterMigrationAndItsHealthIsDown() {
        String url = "jdbc:h2:file:" + dir.resolve("itdr");
        Migrations.migrate(h2(url + ";WRITE_DELAY=0"));
        JdbcDataSource readOnly = h2(url + ";ACCESS_MODE_DATA=r");

        assertThatThrownBy(() -> StorageCheck.writable(readOnly)).isInstanceOf(StorageUnusableException.class)
                .hasMessageContaining("read-only");
        assertThat(new StorageHealth(readOnly).health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(new StorageHealth(h2(url)).health().getStatus()).isEqualTo(Status.UP);
        StorageCheck.writable(h2(url)); // a writable one passes, and the trial write leaves nothing behind
    }

    @Test
    void theFileOfAnH2UrlIsFoundInEverySpellingAndOthersAreLeftAlone() {
        assertThat(StorageCheck.h2File("jdbc:h2:file:./data/itdr;WRITE_DELAY=0")).contains(Path.of("./data/itdr.mv.db"));
        assertThat(StorageCheck.h2File("jdbc:h2:/var/lib/itdr/db")).contains(Path.of("/var/lib/itdr/db.mv.db"));
        assertThat(StorageCheck.h2File("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1")).isEmpty();
        assertThat(StorageCheck.h2File("jdbc:h2:tcp://db:9092/itdr")).isEmpty();
        assertThat(StorageCheck.h2File("jdbc:postgresql://db/itdr")).isEmpty();
    }

    private static StorageUnusableException rootOfKind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageUnusableException s) {
                return s;
            }
        }
        return null;
    }
}
