package io.itdr.core.act;

import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How far a multi-step action got, worked out from its plan and a read-back of the platform,
 * without asking the connector anything new: each value the plan changes (a key whose pre- and
 * post-state values differ, such as one role assignment of a quarantine) is a step. A step is
 * done when the platform shows its post-state value, not done when it still shows its pre-state
 * value, and changed otherwise (someone else's value, or one the action did not plan).
 *
 * <p>An action is <b>partially contained</b> when it has steps done and steps not done and none
 * changed: the platform holds exactly a prefix of what the action does, nothing foreign. That is
 * what {@link ActionState#PARTIAL} records, with this object on the action's record
 * ({@link ActionRecord#containment()}).
 *
 * @param status       {@value #PARTIAL} (the only status recorded so far); never null
 * @param stepsDone    the steps the platform shows done, by key; never null
 * @param stepsNotDone the steps it shows untouched; never null
 */
public record Containment(String status, List<Step> stepsDone, List<Step> stepsNotDone) {
    public static final String PARTIAL = "partial";

    public Containment {
        Objects.requireNonNull(status, "status");
        stepsDone = List.copyOf(Objects.requireNonNull(stepsDone, "stepsDone"));
        stepsNotDone = List.copyOf(Objects.requireNonNull(stepsNotDone, "stepsNotDone"));
    }

    /**
     * One value the action changes.
     *
     * @param key    the snapshot key ({@code roleAssignment/…}); never null
     * @param before its pre-state value; null when the plan found none
     * @param after  its post-state value; null when the action removes it
     */
    public record Step(String key, String before, String after) {
        public Step {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            return key + ": " + before + " → " + after;
        }
    }

    /**
     * The steps of {@code plan} sorted by what {@code observed} shows.
     *
     * @param done    shown in their post-state
     * @param notDone shown in their pre-state
     * @param changed shown otherwise, or a value the plan does not change that differs now: "key:
     *                expected a or b, found c"
     */
    public record Progress(List<Step> done, List<Step> notDone, List<String> changed) {
        public Progress {
            done = List.copyOf(done);
            notDone = List.copyOf(notDone);
            changed = List.copyOf(changed);
        }

        /** Some steps done, some not, nothing foreign. */
        public boolean isPartial() {
            return !done.isEmpty() && !notDone.isEmpty() && changed.isEmpty();
        }

        /** The record kept on a partial action. */
        public Containment partial() {
            if (!isPartial()) {
                throw new IllegalStateException("not partial: " + describe());
            }
            return new Containment(PARTIAL, done, notDone);
        }

        /** "1 of 2 steps done (k: a → b); not done: k2: a → b", for people and the ledger. */
        public String describe() {
            int steps = done.size() + notDone.size();
            StringBuilder out = new StringBuilder().append(done.size()).append(" of ").append(steps).append(steps == 1 ? " step" : " steps")
                    .append(" done");
            if (!done.isEmpty()) {
                out.append(" (").append(keys(done)).append(')');
            }
            if (!notDone.isEmpty()) {
                out.append("; not done: ").append(keys(notDone));
            }
            if (!changed.isEmpty()) {
                out.append("; changed by someone else: ").append(String.join("; ", changed));
            }
            return out.toString();
        }
    }

    /** Sorts the plan's steps by the read-back; see {@link Progress}. */
    public static Progress progress(ActionPlan plan, Snapshot observed) {
        Map<String, String> before = plan.preState().state();
        Map<String, String> after = plan.postState().state();
        Map<String, String> now = observed.state();
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        keys.addAll(now.keySet());
        List<Step> done = new ArrayList<>();
        List<Step> notDone = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (String key : keys) {
            String pre = before.get(key);
            String post = after.get(key);
            String found = now.get(key);
            if (Objects.equals(pre, post)) {
                if (!Objects.equals(found, post)) {
                    changed.add(key + ": expected " + post + ", found " + found);
                }
            } else if (Objects.equals(found, post)) {
                done.add(new Step(key, pre, post));
            } else if (Objects.equals(found, pre)) {
                notDone.add(new Step(key, pre, post));
            } else {
                changed.add(key + ": expected " + pre + " or " + post + ", found " + found);
            }
        }
        return new Progress(done, notDone, changed);
    }

    /** The steps a plan changes (keys whose pre- and post-state values differ). */
    public static int steps(ActionPlan plan) {
        Map<String, String> before = plan.preState().state();
        Map<String, String> after = plan.postState().state();
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        return (int) keys.stream().filter(key -> !Objects.equals(before.get(key), after.get(key))).count();
    }

    /** The partial containment {@code observed} shows for {@code plan}, if it shows one. */
    public static Optional<Containment> partialOf(ActionPlan plan, Snapshot observed) {
        Progress progress = progress(plan, observed);
        return progress.isPartial() ? Optional.of(progress.partial()) : Optional.empty();
    }

    static String keys(List<Step> steps) {
        return steps.stream().map(Step::key).collect(Collectors.joining(", "));
    }
}
