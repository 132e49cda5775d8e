package io.itdr.connector.aws.act;

import io.itdr.connector.aws.Arn;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Acting in several accounts: each request (and each plan, through its request) goes to the
 * executor of the account its target lives in. That account is the one the target identity's
 * ARN names ({@code arn:aws:iam::111122223334:role/svc}); for a target that is no ARN, the
 * target's tenant when it is a 12-digit account id; otherwise the base account. Targets in the
 * base account go to the base executor; any other account's executor is made on first use (its
 * role assumed then, a refusal surfacing as that account's ConnectorException) and kept.
 * Thread-safe.
 */
public final class AccountRoutedExecutor implements ActionExecutor {
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private final ActionExecutor base;
    private final Supplier<String> baseAccount;
    private final Function<String, ActionExecutor> forAccount;
    private final ConcurrentHashMap<String, ActionExecutor> executors = new ConcurrentHashMap<>();

    /**
     * @param base        the executor acting with the base credentials; never null
     * @param baseAccount the base credentials' account id, asked for only when a target names an account; never null
     * @param forAccount  makes the executor of another account; may throw ConnectorException; never null
     */
    public AccountRoutedExecutor(ActionExecutor base, Supplier<String> baseAccount, Function<String, ActionExecutor> forAccount) {
        this.base = Objects.requireNonNull(base, "base");
        this.baseAccount = Objects.requireNonNull(baseAccount, "baseAccount");
        this.forAccount = Objects.requireNonNull(forAccount, "forAccount");
    }

    /** The account a target lives in, or null when it names none. */
    static String accountOf(ActionTarget target) {
        String fromArn = Arn.parse(target.identity().id()).map(Arn::account).filter(a -> ACCOUNT_ID.matcher(a).matches()).orElse(null);
        if (fromArn != null) {
            return fromArn;
        }
        return target.tenant() != null && ACCOUNT_ID.matcher(target.tenant()).matches() ? target.tenant() : null;
    }

    private ActionExecutor executor(ActionRequest request) {
        String account = accountOf(request.target());
        if (account == null || account.equals(baseAccount.get())) {
            return base;
        }
        return executors.computeIfAbsent(account, forAccount);
    }

    @Override
    public Map<Rung, Reversibility> rungs() {
        return base.rungs();
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        return executor(request).plan(request);
    }

    @Override
    public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
        return executor(plan.request()).execute(plan, idempotencyKey);
    }

    @Override
    public Verification verify(ActionPlan plan) {
        return executor(plan.request()).verify(plan);
    }

    @Override
    public RevertResult revert(ActionPlan plan, boolean force) {
        return executor(plan.request()).revert(plan, force);
    }

    @Override
    public String toString() {
        return "AccountRoutedExecutor[" + base + ", accounts=" + executors.keySet() + "]";
    }
}
