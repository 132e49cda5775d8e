package io.itdr.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.audit.LedgerException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

/** A write the database or the ledger refuses answers 503 with a problem body, not 500 (hardening issue, finding 5). */
class StorageProblemTest {
    @Test
    void failedWritesAnswer503ProblemsWithRetryAfterAndNoInternals() {
        ApiExceptionHandler handler = new ApiExceptionHandler();
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/actions");
        for (RuntimeException failure : new RuntimeException[] {
                new DataAccessResourceFailureException("events cannot be stored: The database is read only", new SQLException("read only")),
                new LedgerException("the ledger cannot be appended to"),
                new DataAccessResourceFailureException("disk full")}) {
            ResponseEntity<ProblemDetail> response = handler.storage(failure, request);

            assertThat(response.getStatusCode().value()).isEqualTo(503);
            assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("30");
            assertThat(response.getBody().getType().toString()).endsWith("storage-unavailable");
            assertThat(response.getBody().getDetail()).contains("nothing was done").doesNotContain("read only").doesNotContain("disk full")
                    .doesNotContain("Exception");
        }
    }
}
