package io.itdr.server.store;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an unusable database into Spring Boot's start-up report: what is wrong with it, what to do. */
public class StorageUnusableFailureAnalyzer extends AbstractFailureAnalyzer<StorageUnusableException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StorageUnusableException cause) {
        return new FailureAnalysis("itdr cannot use its database: " + cause.getMessage(),
                "Fix the database named above, or point spring.datasource.url (ITDR_DB_URL) at a usable one. The server does not "
                        + "start on a store it cannot write: the ledger must be written before anything is done.", cause);
    }
}
