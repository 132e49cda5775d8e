package io.itdr.server.api;

import io.itdr.core.act.KillSwitch;
import io.itdr.core.decide.policy.Policy;
import io.itdr.server.response.Automation;
import io.itdr.server.security.Caller;
import io.itdr.server.security.Role;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Whether automation may act: the global kill switch (kept across restarts) and the policy's
 * mode. Stopping is cheap and safe, starting again is not: a responder may engage the switch,
 * only an admin may release it.
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/automation")
public class AutomationController {
    /** The kill switch and the mode of the running policy. */
    public record Status(KillSwitch.State killSwitch, String policyMode) {
    }

    public record KillSwitchBody(Boolean engaged, String reason) {
    }

    private final Automation automation;
    private final Policy policy;

    public AutomationController(Automation automation, Policy policy) {
        this.automation = automation;
        this.policy = policy;
    }

    @GetMapping
    public Status status() {
        return new Status(automation.state(), policy.mode().policyName());
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
