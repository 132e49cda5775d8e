package io.itdr.server.api;

import io.itdr.core.act.KillSwitch;
import io.itdr.server.response.Automation;
import io.itdr.server.response.Breakers;
import io.itdr.server.response.PolicyActivation;
import io.itdr.server.security.Caller;
import io.itdr.server.security.Role;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Whether automation may act: the global kill switch (kept across restarts), the policy's mode and
 * the budgets' tripped circuit breakers. Stopping is cheap and safe, starting again is not: a
 * responder may engage the switch, only an admin may release it; an approver resets a tripped
 * breaker, with a reason (ledgered).
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/automation")
public class AutomationController {
    /** The kill switch, the mode of the running policy and the tripped breakers. */
    public record Status(KillSwitch.State killSwitch, String policyMode, List<Breakers.Tripped> breakers) {
    }

    public record KillSwitchBody(Boolean engaged, String reason) {
    }

    /** @param key the key to reset ({@code *}, a platform, an owner); absent for every tripped key of the budget */
    public record BreakerResetBody(String key, String reason) {
    }

    /** The keys reset by this call, and the breakers still tripped. */
    public record BreakerReset(String budget, List<String> reset, List<Breakers.Tripped> stillTripped) {
    }

    private final Automation automation;
    private final Breakers breakers;
    private final PolicyActivation policies;

    public AutomationController(Automation automation, Breakers breakers, PolicyActivation policies) {
        this.automation = automation;
        this.breakers = breakers;
        this.policies = policies;
    }

    @GetMapping
    public Status status() {
        return new Status(automation.state(), policies.active().policy().mode().policyName(), breakers.tripped());
    }

    /**
     * Resets a tripped budget breaker with a reason (approver); ledgered as
     * {@code admin.breaker_reset}. 404 for an unknown budget, 409 {@code breaker-not-tripped} when
     * nothing was tripped.
     */
    @PostMapping("/breakers/{budget}/reset")
    public BreakerReset resetBreaker(@PathVariable String budget, @RequestBody BreakerResetBody body,
                                     @AuthenticationPrincipal Caller caller) {
        String reason = Inputs.reason(body.reason());
        String key = body.key() == null || body.key().isBlank() ? null : body.key().strip();
        List<String> reset;
        try {
            reset = breakers.reset(budget, key, caller.actor(), reason);
        } catch (Breakers.UnknownBudgetException e) {
            throw ApiProblem.notFound("budget", budget);
        }
        if (reset.isEmpty()) {
            throw ApiProblem.conflict("breaker-not-tripped", "no breaker of budget " + budget
                    + (key == null ? "" : " for " + key) + " is tripped; nothing was reset");
        }
        return new BreakerReset(budget, reset, breakers.tripped());
    }

    /** Engages ({@code engaged: true}) or releases the kill switch, with a reason; ledgered. */
    @PostMapping("/kill-switch")
    public Status killSwitch(@RequestBody KillSwitchBody body, @AuthenticationPrincipal Caller caller) {
        if (body.engaged() == null) {
            throw ApiProblem.badInput("engaged", "is required: true stops every platform-changing action, false lets them run again");
        }
        if (body.engaged()) {
            automation.engage(caller.actor(), Inputs.reason(body.reason()));
        } else {
            caller.require(Role.ADMIN, "releasing the kill switch");
            String reason = Inputs.reason(body.reason());
            if (automation.state().engaged()) { // releasing a released switch changes nothing, as in the core
                automation.release(caller.actor(), reason);
            }
        }
        return status();
    }
}
