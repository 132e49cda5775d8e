package io.itdr.server.api;

import io.itdr.server.intake.IngestBacklog;
import io.itdr.server.intake.IngestDeadLetters;
import io.itdr.server.security.Caller;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dead letters of a connector's ingest backlog ({@code /api/v1/ingest/{connector}/dead-letters}):
 * pushed events whose processing failed {@code itdr.ingest.max-attempts} times and were set aside
 * so the connector's other events could go on. Viewers list them (with the reason and the stored
 * event); a responder puts one back into the backlog once the cause is fixed ({@code requeue}); an
 * admin deletes one ({@code drop}). Both changes need a reason and are ledgered before they are
 * made. Any connector id may be asked (a connector turned off keeps its dead letters). Stateless.
 */
@RestController
@RequestMapping("/api/v1/ingest/{connector}/dead-letters")
public class DeadLettersController {
    /** Why a person re-queues or drops a dead letter. */
    public record ChangeBody(String reason) {
    }

    /** A dead letter put back: the event and its new place in the backlog. */
    public record Requeued(String connectorId, String eventId, long deadLetterSeq, long backlogSeq) {
    }

    /** A dead letter deleted. */
    public record Dropped(String connectorId, String eventId, long deadLetterSeq) {
    }

    private final IngestDeadLetters deadLetters;

    public DeadLettersController(IngestDeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GetMapping
    public Paging.Page<IngestBacklog.DeadLetter> list(@PathVariable String connector, @RequestParam(defaultValue = "50") int limit,
                                                     @RequestParam(defaultValue = "0") long offset) {
        Paging paging = Paging.of(limit, offset);
        return paging.page(deadLetters.list(connector, paging.limit(), paging.offset()));
    }

    /** 404 when the connector has no such dead letter. */
    @PostMapping("/{seq}/requeue")
    public Requeued requeue(@PathVariable String connector, @PathVariable long seq, @RequestBody ChangeBody body,
                            @AuthenticationPrincipal Caller caller) {
        String reason = Inputs.reason(body == null ? null : body.reason());
        IngestBacklog.DeadLetter letter = find(connector, seq);
        long placed = deadLetters.requeue(connector, seq, caller.actor(), reason).orElseThrow(() -> notFound(connector, seq));
        return new Requeued(connector, letter.eventId(), seq, placed);
    }

    /** 404 when the connector has no such dead letter. */
    @PostMapping("/{seq}/drop")
    public Dropped drop(@PathVariable String connector, @PathVariable long seq, @RequestBody ChangeBody body,
                        @AuthenticationPrincipal Caller caller) {
        String reason = Inputs.reason(body == null ? null : body.reason());
        IngestBacklog.DeadLetter letter = find(connector, seq);
        if (!deadLetters.drop(connector, seq, caller.actor(), reason)) {
            throw notFound(connector, seq);
        }
        return new Dropped(connector, letter.eventId(), seq);
    }

    private IngestBacklog.DeadLetter find(String connector, long seq) {
        return deadLetters.find(connector, seq).orElseThrow(() -> notFound(connector, seq));
    }

    private static ApiProblem notFound(String connector, long seq) {
        return ApiProblem.notFound("dead letter of connector " + connector, Long.toString(seq));
    }
}
