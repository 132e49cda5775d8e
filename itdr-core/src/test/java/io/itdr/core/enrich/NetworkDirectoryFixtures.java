package io.itdr.core.enrich;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Network data files for detector tests: the test ASN and City databases and the AWS ranges slice. */
public final class NetworkDirectoryFixtures {
    private NetworkDirectoryFixtures() {
    }

    /** 198.51.100.0/24 AS64500 US (Washington), 203.0.113.0/24 AS64511 SG, 3.5.0.0/19 AWS us-east-1. */
    public static NetworkDirectory.Files files(Path dir) throws IOException {
        return new NetworkDirectory.Files(NetworkDirectoryTest.asnDatabase(dir), NetworkDirectoryTest.cityDatabase(dir),
                List.of(NetworkDirectoryTest.awsRanges(dir)));
    }
}
