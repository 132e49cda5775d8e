package io.itdr.server.api;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import io.itdr.server.query.ActionQueries;
import io.itdr.server.query.CaseQueries;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What detection and decision produced: findings, incidents (findings grouped per identity) and
 * decisions, newest first, each with what belongs to it.
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1")
public class CasesController {
    /** How much a detail view lists of what belongs to it. */
    static final int DETAIL_ITEMS = Paging.MAX_LIMIT;

    /** A finding with the decisions taken on it. */
    public record FindingDetail(Finding finding, List<Decision> decisions) {
    }

    /** An incident with its findings, their decisions and the actions on its identity (at most 500 of each). */
    public record IncidentDetail(CaseQueries.Incident incident, List<Finding> findings, List<Decision> decisions,
                                 List<ActionRecord> actions) {
    }

    private final CaseQueries cases;
    private final ActionQueries actions;

    public CasesController(CaseQueries cases, ActionQueries actions) {
        this.cases = cases;
        this.actions = actions;
    }

    @GetMapping("/findings")
    public Paging.Page<Finding> findings(@RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") long offset) {
        Paging paging = Paging.of(limit, offset);
        return paging.page(cases.findings(null, paging.limit(), paging.offset()));
    }

    @GetMapping("/findings/{id}")
    public FindingDetail finding(@PathVariable String id) {
        Finding finding = cases.finding(id).orElseThrow(() -> ApiProblem.notFound("finding", id));
        return new FindingDetail(finding, cases.decisions(id, DETAIL_ITEMS, 0));
    }

    @GetMapping("/incidents")
    public Paging.Page<CaseQueries.Incident> incidents(@RequestParam(defaultValue = "50") int limit,
                                                         @RequestParam(defaultValue = "0") long offset) {
        Paging paging = Paging.of(limit, offset);
        return paging.page(cases.incidents(paging.limit(), paging.offset()));
    }

    @GetMapping("/incidents/{id}")
    public IncidentDetail incident(@PathVariable String id) {
        CaseQueries.Incident incident = cases.incident(id).orElseThrow(() -> ApiProblem.notFound("incident", id));
        List<Finding> findings = cases.findings(id, DETAIL_ITEMS, 0);
        List<Decision> decisions = findings.stream().flatMap(f -> cases.decisions(f.id(), DETAIL_ITEMS, 0).stream()).toList();
        return new IncidentDetail(incident, findings, decisions,
                actions.page(null, incident.identityKey(), DETAIL_ITEMS, 0));
    }

    @GetMapping("/decisions")
    public Paging.Page<Decision> decisions(@RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") long offset) {
        Paging paging = Paging.of(limit, offset);
        return paging.page(cases.decisions(null, paging.limit(), paging.offset()));
    }

    @GetMapping("/decisions/{id}")
    public Decision decision(@PathVariable String id) {
        return cases.decision(id).orElseThrow(() -> ApiProblem.notFound("decision", id));
    }
}
