package io.itdr.connector.tck;

import io.itdr.fixture.clock.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.SpiVersion;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.Rejection;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The conformance kit every connector's test extends. The test hands it the factory, a valid
 * configuration (with {@link #CANARY_SECRET} in every secret property), a {@link Sandbox} over
 * the connector's simulation of its platform, the {@link Behavior}s it declares and, for
 * actions, one request per rung. The kit checks, in the manner of Trino's
 * {@code BaseConnectorSmokeTest}: declared → works; not declared → refuses with the standard
 * {@code NOT_SUPPORTED} error.
 *
 * <ul>
 *   <li>discovery: found by {@link ServiceLoader} from its own jar; every property described;
 *       secrets flagged, and the canary secret never in a toString, a log record, the console, a
 *       metric or an exception, in any check;</li>
 *   <li>telemetry: resuming from a cursor gives no gap and no duplicate across pages; a
 *       malformed record is rejected with a reason and the batch goes on; pushed payloads
 *       normalize as polled records do;</li>
 *   <li>faults: throttling, 5xx, dropped connections and timeouts surface as retriable (throttling
 *       with its retry-after), bad bodies and refused credentials as terminal;</li>
 *   <li>actions: plan makes no mutating call; execute twice under one idempotency key has one
 *       effect; verify reads the new state; revert of a reversible action restores the snapshot
 *       exactly; revert after an out-of-band change refuses with {@code DRIFT}; irreversible
 *       actions are declared so and refuse revert; undeclared rungs refuse.</li>
 * </ul>
 *
 * <p>Every check starts from a fresh connector on a freshly {@linkplain Sandbox#reset() reset}
 * sandbox (see {@link #connect()}). Instances are used by one test thread; not thread-safe.
 */
public abstract class ConnectorTck {

    /** Put this value in every secret property of {@link #validConfig()}: the kit watches for it everywhere. */
    public static final String CANARY_SECRET = "tck-canary-5e1f0c9a7b";

    /**
     * The request timeout of the kit's context; a sandbox's {@link Fault.Kind#TIMEOUT} answers well
     * after it. Generous on purpose: a connector's first call in a fresh JVM on a loaded machine
     * (class loading, TLS and signer set-up) took 1.25 s here, and the kit must not fail on load.
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The request timeout of the connector a {@link Fault.Kind#TIMEOUT} check makes, so that the
     * check waits 3 s, not 5: the faulted call's late answer (twice {@link #REQUEST_TIMEOUT}) comes 7 s
     * after it runs out, and the only calls that should succeed under it, a sign-in a sandbox answers
     * without the fault (a warm JVM's local token call: milliseconds, under a second when loaded), keep
     * a margin of 2 s and more. Only a {@link TestingConnectorContext} is shortened; another
     * {@link #context()} keeps its own timeout.
     */
    public static final Duration TIMEOUT_CHECK_REQUEST_TIMEOUT = Duration.ofSeconds(3);

    /**
     * How long the kit lets a plan wait for approval before the host re-plans and executes it
     * (the engine's approve path); plans must not change with time.
     */
    public static final Duration APPROVAL_WAIT = Duration.ofMinutes(10);

    /** The retry-after the kit's {@link Fault.Kind#THROTTLED} fault asks for. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(7);

    /** The id pattern the host accepts (ConnectorRegistry). */
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]*");
    private static final String SERVICE_FILE = "META-INF/services/" + ConnectorFactory.class.getName();
    private static final int PAGE = 3;
    private static final int MAX_POLLS = 100;

    private final SecretLeakWatch leaks = new SecretLeakWatch(CANARY_SECRET);
    private Connector connector;
    private ConnectorContext context;

    /** The connector's factory, as ServiceLoader would make it. */
    protected abstract ConnectorFactory factory();

    /** Raw configuration that validates and points the connector at the sandbox; secrets hold {@link #CANARY_SECRET}. */
    protected abstract Map<String, String> validConfig();

    /** The sandbox; started by the test (e.g. in {@code @BeforeAll}), reset by the kit before every check. */
    protected abstract Sandbox sandbox();

    /** What the connector does; must match what it reports (see {@link #declaredBehaviorsMatchTheConnector()}). */
    protected abstract Set<Behavior> behaviors();

    /**
     * Secret properties {@link #validConfig()} leaves out because they belong to another, exclusive
     * way of signing in than the one it uses (an API token or a private key, never both). Each must
     * still be declared secret, and a test per sign-in mode runs the kit with its own secrets.
     * Empty by default: every secret property is in {@link #validConfig()}.
     */
    protected Set<String> secretsOfOtherSignInModes() {
        return Set.of();
    }

    /**
     * Requests to exercise: at least one for every rung the executor lists, each naming a target
     * the sandbox's initial estate holds and the action changes (not already in its post-state).
     */
    protected List<ActionRequest> actionRequests() {
        return List.of();
    }

    /**
     * The host services handed to the connector; by default a {@link SettableClock} and
     * {@link #REQUEST_TIMEOUT}. An override must keep a {@link SettableClock}: the kit moves it.
     */
    protected ConnectorContext context() {
        return TestingConnectorContext.withRequestTimeout(REQUEST_TIMEOUT);
    }

    /**
     * Which of the kit's checks this test runs: {@link KitScope#FULL} by default. A connector tested
     * in several sign-in modes runs the full kit in its main mode and {@link KitScope#SIGN_IN} in the
     * others (the checks whose outcome depends on how the connector signs in).
     */
    protected KitScope scope() {
        return KitScope.FULL;
    }

    /**
     * Whether this test runs the checks of faults on mutating calls
     * ({@link #aFaultOnAMutatingCallOfExecuteEndsInAnErrorAndOneEffect},
     * {@link #aFaultOnAMutatingCallOfRevertEndsInAnErrorAndTheSnapshotRestored}). By default when the
     * {@link #scope()} is {@link KitScope#FULL}: a connector tested in several sign-in modes runs
     * them in one (the calls are the same).
     */
    protected boolean checksMutatingCallFaults() {
        return scope() == KitScope.FULL;
    }

    /** Skips a check that {@link KitScope#SIGN_IN} leaves to the connector's main sign-in mode. */
    private void assumeFullKit() {
        assumeTrue(scope() == KitScope.FULL, "the full kit runs in the connector's main sign-in mode (this test's scope is "
                + scope() + ")");
    }

    /**
     * Whether the checks of faults on execute's mutating calls include {@code request}. True by
     * default. A connector answers false only for an action whose lost answer cannot be made whole
     * by any retry, and which its own tests cover for faults instead (say which, beside the override).
     */
    protected boolean faultChecksExecuteOf(ActionRequest request) {
        return true;
    }

    protected final boolean declares(Behavior behavior) {
        return behaviors().contains(behavior);
    }

    /** Resets the sandbox and creates a fresh connector from {@link #validConfig()}, closing the previous one. */
    protected final Connector connect() {
        return connect(null);
    }

    /** As {@link #connect()}, with the request timeout of a {@link TestingConnectorContext} set to {@code requestTimeout} when not null. */
    private Connector connect(Duration requestTimeout) {
        closeConnector();
        sandbox().reset();
        ConnectorFactory factory = factory();
        ConnectorConfig config = new ConfigSchema(factory.id(), factory.configProperties()).validate(validConfig());
        leaks.inspect("the configuration's toString", config);
        context = context();
        if (requestTimeout != null && context instanceof TestingConnectorContext testing) {
            HttpSettings http = testing.http();
            context = new TestingConnectorContext(testing.clock(), new HttpSettings(http.connectTimeout(), requestTimeout, http.proxy(),
                    http.endpointOverrides()), testing.secrets(), testing.metrics());
        }
        connector = factory.create(config, context);
        assertThat(connector).as("%s.create(...)", factory.getClass().getName()).isNotNull();
        return connector;
    }

    @BeforeEach
    public final void startWatchingForSecretLeaks() {
        leaks.start();
    }

    @AfterEach
    public final void closeConnectorAndCheckForSecretLeaks() {
        try {
            closeConnector();
            leaks.inspect("the metrics the connector recorded", context);
        } finally {
            List<String> found = leaks.stop();
            assertThat(found)
                    .withFailMessage("the canary secret showed in %s: a secret must only ever be read with "
                            + "Secret.reveal() where it is handed to the platform, never logged, printed or quoted", found)
                    .isEmpty();
        }
    }

    private void closeConnector() {
        if (connector != null) {
            Connector closing = connector;
            connector = null;
            closing.close();
        }
    }

    // ---------------------------------------------------------------- discovery and configuration

    @Test
    public void factoryIsFoundByServiceLoaderFromItsOwnJar() throws IOException {
        assumeFullKit();
        Class<? extends ConnectorFactory> type = factory().getClass();
        ClassLoader loader = type.getClassLoader();
        List<ConnectorFactory> loaded = ServiceLoader.load(ConnectorFactory.class, loader).stream()
                .filter(p -> p.type() == type)
                .map(ServiceLoader.Provider::get)
                .toList();
        assertThat(loaded).as("ServiceLoader providers of %s; list the class in %s", type.getName(), SERVICE_FILE)
                .hasSize(1);
        // The registration must ship beside the class, in the connector's own jar, not in a test resource.
        String home = type.getProtectionDomain().getCodeSource().getLocation().toString();
        boolean besideTheClass = false;
        for (URL url : Collections.list(loader.getResources(SERVICE_FILE))) {
            String at = url.toString();
            if ((at.startsWith(home) || at.startsWith("jar:" + home + "!/")) && servicesListed(url).contains(type.getName())) {
                besideTheClass = true;
            }
        }
        assertThat(besideTheClass).as("%s lists %s in the same jar or directory as the class (%s)", SERVICE_FILE,
                type.getName(), home).isTrue();
    }

    @Test
    public void factoryDescribesItself() {
        ConnectorFactory factory = factory();
        assertThat(factory.id()).as("factory id").matches(ID);
        assertThat(SpiVersion.isCompatible(factory.spiVersion()))
                .as("spiVersion %s is loadable by a host on SPI %s", factory.spiVersion(), SpiVersion.CURRENT).isTrue();
        assertThat(factory.displayName()).as("display name").isNotBlank();
        assertThat(connect().id()).as("the created connector's id").isEqualTo(factory.id());
    }

    @Test
    public void configurationSchemaIsCompleteAndFlagsSecrets() {
        ConnectorFactory factory = factory();
        List<ConfigProperty> properties = factory.configProperties();
        ConfigSchema schema = new ConfigSchema(factory.id(), properties);
        assertThat(schema.check(validConfig())).as("problems with validConfig()").isEmpty();
        Map<String, String> config = validConfig();
        assertThat(properties.stream().filter(ConfigProperty::secret).map(ConfigProperty::name).toList())
                .as("secretsOfOtherSignInModes() names declared secret properties").containsAll(secretsOfOtherSignInModes());
        for (ConfigProperty p : properties) {
            assertThat(p.description().trim().split("\\s+"))
                    .as("description of property '%s': say what it is for and what to put there", p.name())
                    .hasSizeGreaterThanOrEqualTo(3);
            if (p.secret() && !(secretsOfOtherSignInModes().contains(p.name()) && !config.containsKey(p.name()))) {
                assertThat(config.get(p.name()))
                        .as("validConfig() value of secret property '%s': give it the canary so the kit can see it leak", p.name())
                        .isNotNull().contains(CANARY_SECRET);
            }
        }
        config.forEach((name, value) -> {
            if (value.contains(CANARY_SECRET)) {
                assertThat(properties).as("property '%s' holds a secret and must be declared with ConfigProperty.secret(...)", name)
                        .anyMatch(p -> p.name().equals(name) && p.secret());
            }
        });
    }

    @Test
    public void secretsStayOutOfToStringAndErrors() {
        Connector c = connect();
        leaks.inspect("the factory's toString", factory());
        leaks.inspect("the connector's toString", c);
        for (Behavior b : behaviors()) {
            b.capability().ifPresent(cap -> leaks.inspect("the toString of " + cap, component(c, cap)));
        }
        List<ReadSurface> surfaces = readSurfaces();
        sandbox().injectFault(new Fault(Fault.Kind.BAD_CREDENTIALS, null));
        for (ReadSurface surface : surfaces) {
            refusal(surface.name() + " with refused credentials", () -> surface.call().accept(c));
        }
    }

    @Test
    public void declaredBehaviorsMatchTheConnector() {
        assumeFullKit();
        Connector c = connect();
        for (Behavior b : Behavior.values()) {
            b.capability().ifPresent(cap -> assertThat(c.capabilities().contains(cap))
                    .as("the test %s %s and the connector's capabilities() %s it", declares(b) ? "declares" : "does not declare",
                            b, c.capabilities().contains(cap) ? "lists" : "does not list")
                    .isEqualTo(declares(b)));
        }
        assertThat(factory().exportNormalizer().isPresent())
                .as("the test %s EXPORT_NORMALIZER; factory().exportNormalizer() must be %s",
                        declares(Behavior.EXPORT_NORMALIZER) ? "declares" : "does not declare",
                        declares(Behavior.EXPORT_NORMALIZER) ? "present" : "empty")
                .isEqualTo(declares(Behavior.EXPORT_NORMALIZER));
        if (!declares(Behavior.ACTIONS)) {
            assertThat(actionRequests()).as("actionRequests() of a test that does not declare ACTIONS").isEmpty();
        }
    }

    @Test
    public void undeclaredCapabilitiesRefuseWithTheStandardError() {
        assumeFullKit();
        Set<Capability> undeclared = EnumSet.allOf(Capability.class);
        behaviors().forEach(b -> b.capability().ifPresent(undeclared::remove));
        assumeFalse(undeclared.isEmpty(), "the connector declares every capability");
        Connector c = connect();
        for (Capability cap : undeclared) {
            assertStandardRefusal(refusal("the undeclared capability " + cap, () -> component(c, cap)), c.id());
        }
    }

    @Test
    public void healthCheckPassesAndReportsRefusedCredentials() {
        assumeTrue(declares(Behavior.HEALTH_CHECK), "the test does not declare HEALTH_CHECK");
        Connector c = connect();
        c.checkHealth();
        assertThat(sandbox().mutatingCallCount()).as("mutating calls made by checkHealth").isZero();
        sandbox().injectFault(new Fault(Fault.Kind.BAD_CREDENTIALS, null));
        assertThat(refusal("checkHealth with refused credentials", c::checkHealth).code())
                .isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
    }

    // ---------------------------------------------------------------- telemetry

    @Test
    public void telemetryResumesFromACursorWithoutGapOrDuplicate() {
        assumeTrue(declares(Behavior.TELEMETRY_POLL), "the test does not declare TELEMETRY_POLL");
        TelemetrySource source = connect().telemetry();
        List<String> seeded = sandbox().seedTelemetry(7, Set.of());

        Drained first = drain(source, Cursor.START, PAGE);
        assertThat(first.ids()).as("event ids polled from START in pages of %d", PAGE).containsExactlyElementsOf(seeded);
        assertThat(first.pages()).as("pages of %d out of 7 records", PAGE).hasSizeGreaterThan(1);
        assertThat(first.rejections()).as("rejections of well-formed records").isEmpty();

        // Polling keeps no state of its own: the same cursor gives the same page again.
        TelemetryBatch again = source.poll(first.cursors().get(0), PAGE);
        assertThat(ids(again.events())).as("the second page, polled again from the cursor the first page returned")
                .containsExactlyElementsOf(first.pages().get(1));

        // Records that arrive later come after the persisted cursor, none lost, none repeated.
        List<String> later = sandbox().seedTelemetry(4, Set.of());
        Drained second = drain(source, first.last(), PAGE);
        assertThat(second.ids()).as("event ids polled from the last cursor after 4 more records arrived")
                .containsExactlyElementsOf(later);

        TelemetryBatch end = source.poll(second.last(), PAGE);
        leaks.inspect("a telemetry batch", end);
        assertThat(end.events()).as("events polled from the cursor after the last record").isEmpty();
        assertThat(end.hasMore()).as("hasMore after the last record").isFalse();
        assertThat(sandbox().mutatingCallCount()).as("mutating calls made while polling").isZero();
    }

    @Test
    public void telemetryRejectsAMalformedRecordWithAReasonAndGoesOn() {
        assumeFullKit();
        assumeTrue(declares(Behavior.TELEMETRY_POLL), "the test does not declare TELEMETRY_POLL");
        TelemetrySource source = connect().telemetry();
        List<String> wellFormed = sandbox().seedTelemetry(6, Set.of(2));

        Drained drained = drain(source, Cursor.START, 4);
        assertThat(drained.ids()).as("events around a malformed record (the 3rd of 6)").containsExactlyElementsOf(wellFormed);
        assertThat(drained.rejections()).as("rejections of 1 malformed record").hasSize(1);
        assertRejectionsExplained(drained.rejections());
        assertThat(source.poll(drained.last(), 4).rejections())
                .as("rejections polled again after the cursor passed the malformed record").isEmpty();
    }

    @Test
    public void pushedPayloadsNormalizeLikePolledRecords() {
        assumeFullKit();
        assumeTrue(declares(Behavior.TELEMETRY_NORMALIZE), "the test does not declare TELEMETRY_NORMALIZE");
        Connector c = connect();
        List<String> wellFormed = sandbox().seedTelemetry(5, Set.of(3));
        RawExport export = sandbox().exportTelemetry();

        Normalized pushed = normalize(c.normalizer(), export);
        assertThat(ids(pushed.events())).as("events normalized from %s", export).containsExactlyElementsOf(wellFormed);
        assertThat(pushed.rejections()).as("rejections of the 1 malformed record in %s", export).hasSize(1);
        assertRejectionsExplained(pushed.rejections());

        if (declares(Behavior.TELEMETRY_POLL)) {
            Drained polled = drain(c.telemetry(), Cursor.START, 10);
            assertThat(withoutRawRef(pushed.events())).as("pushed events compared to the same records polled (rawRef aside)")
                    .containsExactlyElementsOf(withoutRawRef(polled.events()));
        }
        if (declares(Behavior.EXPORT_NORMALIZER)) {
            Normalized offline = normalize(factory().exportNormalizer().orElseThrow(), export);
            assertThat(offline.events()).as("events of factory().exportNormalizer() compared to connector.normalizer()")
                    .containsExactlyElementsOf(pushed.events());
        }
    }

    @Test
    public void exportNormalizerReadsExportsOffline() {
        assumeFullKit();
        assumeTrue(declares(Behavior.EXPORT_NORMALIZER), "the test does not declare EXPORT_NORMALIZER");
        connect();
        List<String> wellFormed = sandbox().seedTelemetry(4, Set.of(0));
        RawExport export = sandbox().exportTelemetry();
        // Offline means offline: with the platform refusing everything, the export still reads.
        sandbox().injectFault(new Fault(Fault.Kind.BAD_CREDENTIALS, null));
        Normalized offline = normalize(factory().exportNormalizer().orElseThrow(), export);
        assertThat(ids(offline.events())).as("events of the export normalizer from %s", export).containsExactlyElementsOf(wellFormed);
        assertThat(offline.rejections()).as("rejections of the 1 malformed record").hasSize(1);
        assertRejectionsExplained(offline.rejections());
    }

    // ---------------------------------------------------------------- faults

    @TestFactory
    public Stream<DynamicTest> platformFaultsSurfaceAsRetriableOrTerminal() {
        List<ReadSurface> surfaces = readSurfaces();
        assumeFalse(surfaces.isEmpty(), "the connector declares nothing that calls the platform");
        if (scope() == KitScope.SIGN_IN) {
            // the mapping of the other paths' faults does not depend on the sign-in; a fresh connector signs in on its first call
            surfaces = surfaces.subList(0, 1);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (ReadSurface surface : surfaces) {
            for (Fault fault : Fault.all(RETRY_AFTER)) {
                tests.add(dynamicTest(surface.name() + " answered with " + fault.kind(), () -> {
                    Connector c = connect(fault.kind() == Fault.Kind.TIMEOUT ? TIMEOUT_CHECK_REQUEST_TIMEOUT : null);
                    sandbox().injectFault(fault);
                    ConnectorException e = refusal(surface.name() + " answered with " + fault.kind(), () -> surface.call().accept(c));
                    assertThat(e.code()).as("code for %s from %s", fault.kind(), surface.name()).isEqualTo(fault.expectedCode());
                    assertThat(e.retriable()).as("retriable for %s", fault.kind()).isEqualTo(fault.expectedCode().retriable());
                    if (fault.retryAfter() != null) {
                        assertThat(e.retryAfter()).as("retry-after passed on from the platform's %s", fault.kind())
                                .contains(fault.retryAfter());
                    }
                }));
            }
        }
        return tests.stream();
    }

    // ---------------------------------------------------------------- faults on mutating calls

    /** The codes a connector may raise when a mutating call failed on its way (the engine reconciles them by reading back). */
    private static final Set<ErrorCode> FAULTED_CALL_CODES =
            EnumSet.of(ErrorCode.THROTTLED, ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT, ErrorCode.MALFORMED_RESPONSE);

    /**
     * A {@link MutatingFault} on the first mutating call of every declared action's execution (to keep
     * the run short: throttling, and one transport fault per action, the next in turn, so that a
     * connector with four actions meets them all):
     * the execution ends in a {@link ConnectorException} with a transient or malformed-answer code
     * (throttling with the platform's retry-after, and nothing changed), or succeeds having honoured
     * the wait; never in a success the platform does not show. Verify then tells the platform's real
     * state (in the post-state exactly when the platform shows what one clean execution leaves), and
     * the engine's retry of the same plan under the same key ends in that state (one effect, never two:
     * no second key, no second grant) or refuses with {@code CONFLICT} when a person must act (a new
     * secret lost with the answer that carried it), leaving no second effect either.
     */
    @TestFactory
    public Stream<DynamicTest> aFaultOnAMutatingCallOfExecuteEndsInAnErrorAndOneEffect() {
        assumeTrue(checksMutatingCallFaults(), "the mutating-call fault checks run in another sign-in mode");
        List<DynamicTest> tests = new ArrayList<>();
        List<ActionRequest> requests = requestsFor(any -> true).stream().filter(this::faultChecksExecuteOf).toList();
        List<MutatingFault> transport = Stream.of(MutatingFault.values()).filter(MutatingFault::applied).toList();
        for (int i = 0; i < requests.size(); i++) {
            ActionRequest request = requests.get(i);
            // per action: throttling, and one transport fault, each action the next in turn
            Map<ActionRequest, Map<String, String>> cleanRuns = new LinkedHashMap<>();
            for (MutatingFault fault : List.of(MutatingFault.THROTTLED, transport.get(i % transport.size()))) {
                tests.add(dynamicTest("execute " + describe(request) + ", its first mutating call meeting " + fault, () -> {
                    if (!cleanRuns.containsKey(request)) {
                        ActionExecutor clean = connect().actions();
                        clean.execute(clean.plan(request), "tck-clean-1");
                        cleanRuns.put(request, sandbox().snapshotOf(request.target()));
                    }
                    Map<String, String> once = cleanRuns.get(request);
                    ActionExecutor executor = connect().actions();
                    Map<String, String> before = sandbox().snapshotOf(request.target());
                    ActionPlan plan = executor.plan(request);
                    sandbox().faultNextMutatingCall(fault);
                    Optional<ConnectorException> failed = faultedCall("execute with " + fault,
                            () -> executor.execute(plan, "tck-fault-1"));
                    assertThat(sandbox().mutatingFaultPending()).as("the %s fault armed with sandbox().faultNextMutatingCall met"
                            + " one of the execution's calls (does the sandbox's mutating-call predicate see them?)", fault).isFalse();
                    Map<String, String> afterFault = sandbox().snapshotOf(request.target());
                    if (fault == MutatingFault.THROTTLED && failed.isPresent()) {
                        assertThat(failed.get().code()).as("code of an execution whose call was throttled").isEqualTo(ErrorCode.THROTTLED);
                        assertThat(failed.get().retryAfter()).as("retry-after of a throttled execution").contains(RETRY_AFTER);
                        assertThat(afterFault).as("platform state after a throttled (refused) first call").isEqualTo(before);
                    }
                    Verification told = executor.verify(plan);
                    leaks.inspect("a verification", told);
                    assertThat(told.inPostState()).as("verify after execution met %s (%s; detail: %s), compared to whether the"
                            + " platform shows what one clean execution leaves", fault,
                            failed.map(e -> "failed " + e.code()).orElse("succeeded"), told.detail())
                            .isEqualTo(afterFault.equals(once));
                    if (failed.isEmpty()) {
                        assertThat(afterFault).as("platform state after an execution that answered success through %s", fault)
                                .isEqualTo(once);
                    }

                    // The engine's recovery: the same plan again under the same key (a failed execution is not
                    // done); it completes the action, or refuses with CONFLICT when a person must act (a new
                    // secret lost with the answer that carried it), and never makes a second effect.
                    Optional<ConnectorException> refused = Optional.empty();
                    if (failed.isPresent()) {
                        try {
                            executor.execute(plan, "tck-fault-1");
                        } catch (ConnectorException e) {
                            leaks.inspect("the exception of execution retried after " + fault, e);
                            assertThat(e.code()).as("code of the execution retried after %s (%s): it completes, or refuses with"
                                    + " CONFLICT when a person must act", fault, e.getMessage()).isEqualTo(ErrorCode.CONFLICT);
                            refused = Optional.of(e);
                        }
                    }
                    Map<String, String> recovered = sandbox().snapshotOf(request.target());
                    if (refused.isEmpty()) {
                        assertThat(recovered).as("platform state after the execution retried after %s, compared to one clean"
                                + " execution: one effect, never two", fault).isEqualTo(once);
                        assertThat(executor.verify(plan).inPostState()).as("verify after recovering from %s", fault).isTrue();
                    } else {
                        assertThat(recovered.size()).as("entries of the platform state after the execution retried after %s refused"
                                + " (%s), compared to one clean execution's: no second effect", fault, recovered).isLessThanOrEqualTo(once.size());
                        assertThat(executor.verify(plan).inPostState()).as("verify after a refused recovery from %s", fault).isFalse();
                    }
                }));
            }
        }
        return tests.stream();
    }

    /**
     * A {@link MutatingFault} on the first mutating call of every revertible action's revert (one
     * fault per action, in turn, to keep the run short): the revert ends in a standard error or
     * succeeds; verify tells whether the post-state is still there; and the engine's recovery (revert
     * again, forced when it now refuses with {@code DRIFT} because the first attempt did restore)
     * undoes the action: the snapshot exactly for a reversible one, out of the post-state for a
     * compensable one.
     */
    @TestFactory
    public Stream<DynamicTest> aFaultOnAMutatingCallOfRevertEndsInAnErrorAndTheSnapshotRestored() {
        assumeTrue(checksMutatingCallFaults(), "the mutating-call fault checks run in another sign-in mode");
        List<DynamicTest> tests = new ArrayList<>();
        List<ActionRequest> requests = requestsFor(Reversibility::canRevert);
        MutatingFault[] faults = MutatingFault.values();
        for (int i = 0; i < requests.size(); i++) {
            ActionRequest request = requests.get(i);
            MutatingFault fault = faults[i % faults.length];
            tests.add(dynamicTest("revert " + describe(request) + ", its first mutating call meeting " + fault, () -> {
                ActionExecutor executor = connect().actions();
                Map<String, String> before = sandbox().snapshotOf(request.target());
                ActionPlan plan = executor.plan(request);
                executor.execute(plan, "tck-key-1");
                Map<String, String> executed = sandbox().snapshotOf(request.target());

                sandbox().faultNextMutatingCall(fault);
                Optional<ConnectorException> failed = faultedCall("revert with " + fault, () -> executor.revert(plan, false));
                assertThat(sandbox().mutatingFaultPending()).as("the %s fault met one of the revert's calls", fault).isFalse();
                Map<String, String> afterFault = sandbox().snapshotOf(request.target());
                boolean exact = plan.reversibility() == Reversibility.REVERSIBLE;
                if (failed.isEmpty() && exact) {
                    assertThat(afterFault).as("platform state after a revert that answered success through %s", fault).isEqualTo(before);
                }
                assertThat(executor.verify(plan).inPostState()).as("verify after the revert met %s, compared to whether the platform"
                        + " still shows the action's effect", fault).isEqualTo(afterFault.equals(executed));

                if (failed.isPresent()) {
                    try {
                        executor.revert(plan, false);
                    } catch (ConnectorException e) {
                        leaks.inspect("the exception of a revert retried after " + fault, e);
                        assertThat(e.code()).as("code of a revert retried after %s: only drift (the first attempt restored)", fault)
                                .isEqualTo(ErrorCode.DRIFT);
                        executor.revert(plan, true);
                    }
                }
                if (exact) {
                    assertThat(sandbox().snapshotOf(request.target()))
                            .as("platform state after recovering a revert that met %s, compared to before the action", fault).isEqualTo(before);
                }
                assertThat(executor.verify(plan).inPostState()).as("verify after recovering a revert that met %s", fault).isFalse();
            }));
        }
        return tests.stream();
    }

    /** Runs a mutating call armed with a fault: empty when it succeeded, the exception when it failed with an allowed code. */
    private Optional<ConnectorException> faultedCall(String what, Executable call) {
        try {
            call.execute();
            return Optional.empty();
        } catch (ConnectorException e) {
            leaks.inspect("the exception of " + what, e);
            assertThat(e.code()).as("code of %s (%s): a failed call is throttled, unavailable, timed out or answered unreadably,"
                    + " never a success and never %s", what, e.getMessage(), e.code()).isIn(FAULTED_CALL_CODES);
            return Optional.of(e);
        } catch (Throwable t) {
            leaks.inspect("the exception of " + what, t);
            throw new AssertionError(what + " threw " + t + " instead of a ConnectorException: every failure that"
                    + " crosses the plugin boundary is a ConnectorException with a standard code", t);
        }
    }

    /** The action requests whose declared rung's reversibility {@code applies} accepts. */
    private List<ActionRequest> requestsFor(Predicate<Reversibility> applies) {
        assumeTrue(declares(Behavior.ACTIONS), "the test does not declare ACTIONS");
        Map<Rung, Reversibility> rungs = connect().actions().rungs();
        List<ActionRequest> chosen = actionRequests().stream()
                .filter(r -> rungs.containsKey(r.rung()) && applies.test(rungs.get(r.rung())))
                .toList();
        assumeFalse(chosen.isEmpty(), "no declared rung this check applies to");
        return chosen;
    }

    // ---------------------------------------------------------------- inventory

    @Test
    public void inventoryListsEveryIdentityOnceAcrossPages() {
        assumeTrue(declares(Behavior.INVENTORY), "the test does not declare INVENTORY");
        Connector c = connect();
        Set<String> expected = sandbox().identityIds();
        assertThat(expected).as("sandbox().identityIds(): at least two, so that listing pages").hasSizeGreaterThan(1);

        List<InventoryIdentity> listed = listAll(c, 1);
        List<String> ids = listed.stream().map(i -> i.identity().id()).toList();
        assertThat(ids).as("identity ids listed one per page").doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).as("identity ids listed one per page").isEqualTo(expected);
        assertThat(listed).as("platform of listed identities").allMatch(i -> i.platform().equals(c.id()));
        assertThat(sandbox().mutatingCallCount()).as("mutating calls made while listing").isZero();
    }

    @Test
    public void inventoryReadsOneIdentity() {
        assumeFullKit();
        assumeTrue(declares(Behavior.INVENTORY), "the test does not declare INVENTORY");
        Connector c = connect();
        for (InventoryIdentity listed : listAll(c, 50)) {
            Optional<InventoryIdentity> read = c.inventory().get(listed.tenant(), listed.identity());
            leaks.inspect("an inventory identity", read);
            assertThat(read).as("inventory().get of listed identity %s", listed.identity().id()).isPresent();
            assertThat(read.orElseThrow().identity().id()).isEqualTo(listed.identity().id());
        }
        assertThat(c.inventory().get(null, IdentityRef.of("tck-no-such-identity")))
                .as("inventory().get of an identity the platform does not know").isEmpty();
        assertThat(sandbox().mutatingCallCount()).as("mutating calls made while reading").isZero();
    }

    // ---------------------------------------------------------------- actions

    @Test
    public void everyDeclaredRungHasARequestToExercise() {
        assumeFullKit();
        assumeTrue(declares(Behavior.ACTIONS), "the test does not declare ACTIONS");
        Map<Rung, Reversibility> rungs = connect().actions().rungs();
        assertThat(rungs).as("rungs() of a connector that declares ACTIONS").isNotEmpty();
        assertThat(rungs.keySet()).as("rungs() lists no observing rung (observe, notify, monitor)")
                .noneMatch(Rung::isObserving);
        Set<Rung> requested = EnumSet.noneOf(Rung.class);
        actionRequests().forEach(r -> requested.add(r.rung()));
        assertThat(requested).as("rungs of actionRequests(): add a request for every rung the executor lists")
                .containsAll(rungs.keySet());
        assertThat(rungs.keySet()).as("rungs the executor lists: actionRequests() names a rung it does not declare")
                .containsAll(requested);
    }

    @Test
    public void undeclaredRungsRefuseWithTheStandardError() {
        assumeFullKit();
        assumeTrue(declares(Behavior.ACTIONS), "the test does not declare ACTIONS");
        Connector c = connect();
        ActionExecutor executor = c.actions();
        Set<Rung> undeclared = EnumSet.noneOf(Rung.class);
        for (Rung r : Rung.values()) {
            if (r.changesPlatform() && !executor.rungs().containsKey(r)) {
                undeclared.add(r);
            }
        }
        assumeFalse(undeclared.isEmpty(), "the connector declares every rung");
        assumeFalse(actionRequests().isEmpty(), "no action request names a target");
        ActionRequest sample = actionRequests().get(0);
        for (Rung r : undeclared) {
            ActionRequest request = new ActionRequest(r, sample.target(), Map.of());
            assertStandardRefusal(refusal("plan of the undeclared rung " + r.policyName(), () -> executor.plan(request)), c.id());
        }
        assertThat(sandbox().mutatingCallCount()).as("mutating calls made while refusing").isZero();
    }

    @TestFactory
    public Stream<DynamicTest> planMakesNoMutatingCall() {
        assumeFullKit();
        return perRequest("plan", any -> true, (executor, request) -> {
            Map<String, String> before = sandbox().snapshotOf(request.target());
            ActionPlan plan = executor.plan(request);
            leaks.inspect("an action plan", plan);
            assertThat(sandbox().mutatingCallCount()).as("mutating calls made by plan").isZero();
            assertThat(sandbox().snapshotOf(request.target())).as("platform state after plan").isEqualTo(before);
            assertThat(plan.connectorId()).as("plan connectorId").isEqualTo(factory().id());
            assertThat(plan.request()).as("plan request").isEqualTo(request);
            assertThat(plan.reversibility()).as("plan reversibility: the reversibility rungs() declares for %s",
                    request.rung().policyName()).isEqualTo(executor.rungs().get(request.rung()));
            assertThat(plan.isNoOp()).as("plan is a no-op: actionRequests() must name a target the action changes").isFalse();
            assertThat(plan.calls()).as("plan calls: the mutating calls execution will make").anyMatch(PlatformCall::mutating);
            assertThat(plan.summary()).as("plan summary").isNotBlank();
        });
    }

    @TestFactory
    public Stream<DynamicTest> executeTwiceWithOneKeyHasOneEffect() {
        return perRequest("execute twice", any -> true, (executor, request) -> {
            Map<String, String> before = sandbox().snapshotOf(request.target());
            ActionPlan plan = executor.plan(request);

            ExecutionResult first = executor.execute(plan, "tck-key-1");
            leaks.inspect("an execution result", first);
            assertThat(first.alreadyApplied()).as("alreadyApplied of the first execution").isFalse();
            assertThat(first.performed()).as("calls performed by the first execution").anyMatch(PlatformCall::mutating);
            assertThat(first.postState().state()).as("post-state read back after execution").isEqualTo(plan.postState().state());
            Map<String, String> afterFirst = sandbox().snapshotOf(request.target());
            assertThat(afterFirst).as("platform state after execution, compared to before").isNotEqualTo(before);
            int calls = sandbox().mutatingCallCount();
            assertThat(calls).as("mutating calls the platform received from the first execution").isPositive();

            ExecutionResult second = executor.execute(plan, "tck-key-1");
            leaks.inspect("an execution result", second);
            assertThat(second.alreadyApplied()).as("alreadyApplied of a second execution with the same key").isTrue();
            assertThat(second.performed()).as("calls performed by a second execution with the same key")
                    .noneMatch(PlatformCall::mutating);
            assertThat(sandbox().mutatingCallCount()).as("mutating calls the platform received after a second execution with the same key")
                    .isEqualTo(calls);
            assertThat(sandbox().snapshotOf(request.target())).as("platform state after the second execution").isEqualTo(afterFirst);

            ActionPlan again = executor.plan(request);
            assertThat(again.isNoOp()).as("a new plan of a request already carried out is a no-op").isTrue();
            ExecutionResult third = executor.execute(again, "tck-key-2");
            assertThat(third.alreadyApplied()).as("alreadyApplied of a no-op plan executed with a new key").isTrue();
            assertThat(sandbox().mutatingCallCount()).as("mutating calls after executing a no-op plan").isEqualTo(calls);
        });
    }

    /**
     * The engine's approve path (DESIGN §6) for every declared rung: plan → held for approval →
     * time passes → re-plan, which must be the same plan (the engine binds the approval to a digest
     * of everything but the summary and the capture times) → execute the approved plan → verify
     * later → roll back where the rung can be. A plan is a pure function of the request and the
     * platform's state: a value that depends on time (a cut-off, an expiry) is fixed at execution.
     */
    @TestFactory
    public Stream<DynamicTest> anApprovedPlanIsStableAcrossTimeAndCarriedOut() {
        assumeFullKit();
        return perRequest("plan, hold, approve later", any -> true, (executor, request) -> {
            Map<String, String> before = sandbox().snapshotOf(request.target());
            ActionPlan held = executor.plan(request);
            clock().advance(APPROVAL_WAIT);
            ActionPlan fresh = executor.plan(request);
            assertThat(approvalBound(fresh)).as("a re-plan of the unchanged platform %s later, compared to the held plan: a plan is a"
                    + " pure function of the request and the platform's state; fix time-dependent values at execution", APPROVAL_WAIT)
                    .isEqualTo(approvalBound(held));

            ExecutionResult result = executor.execute(held, "tck-approved-1");
            leaks.inspect("an execution result", result);
            assertThat(result.alreadyApplied()).as("alreadyApplied of the approved plan's execution").isFalse();
            assertThat(result.performed()).as("calls performed by the approved plan's execution").anyMatch(PlatformCall::mutating);
            assertThat(result.postState().state()).as("post-state read back after executing the approved plan")
                    .isEqualTo(held.postState().state());
            clock().advance(APPROVAL_WAIT);
            Verification done = executor.verify(held);
            assertThat(done.inPostState()).as("verify of the approved plan %s after execution (detail: %s)", APPROVAL_WAIT, done.detail())
                    .isTrue();

            if (held.reversibility().canRevert()) {
                RevertResult reverted = executor.revert(held, false);
                leaks.inspect("a revert result", reverted);
                assertThat(reverted.performed()).as("calls performed by rolling back the approved plan").anyMatch(PlatformCall::mutating);
                assertThat(executor.verify(held).inPostState()).as("verify after rolling back the approved plan").isFalse();
                if (held.reversibility() == Reversibility.REVERSIBLE) {
                    assertThat(sandbox().snapshotOf(request.target()))
                            .as("platform state after rolling back the approved plan, compared to before the action").isEqualTo(before);
                }
            }
        });
    }

    @TestFactory
    public Stream<DynamicTest> verifyReadsTheNewState() {
        assumeFullKit();
        return perRequest("verify", any -> true, (executor, request) -> {
            ActionPlan plan = executor.plan(request);
            Verification pending = executor.verify(plan);
            assertThat(pending.inPostState()).as("verify before execution").isFalse();

            executor.execute(plan, "tck-key-1");
            int calls = sandbox().mutatingCallCount();
            Verification done = executor.verify(plan);
            leaks.inspect("a verification", done);
            assertThat(done.inPostState()).as("verify after execution (detail: %s)", done.detail()).isTrue();
            assertThat(done.observed().state()).as("state verify observed after execution").isEqualTo(plan.postState().state());

            sandbox().applyOutOfBandChange(request.target());
            Verification changed = executor.verify(plan);
            assertThat(changed.inPostState()).as("verify after an out-of-band change: it must read the platform, not remember").isFalse();
            assertThat(changed.detail()).as("verify detail after an out-of-band change").isNotBlank();
            assertThat(sandbox().mutatingCallCount()).as("mutating calls made by verify").isEqualTo(calls);
        });
    }

    @TestFactory
    public Stream<DynamicTest> revertOfAReversibleActionRestoresTheSnapshotExactly() {
        assumeFullKit();
        return perRequest("revert", r -> r == Reversibility.REVERSIBLE, (executor, request) -> {
            Map<String, String> before = sandbox().snapshotOf(request.target());
            ActionPlan plan = executor.plan(request);
            executor.execute(plan, "tck-key-1");

            RevertResult reverted = executor.revert(plan, false);
            leaks.inspect("a revert result", reverted);
            assertThat(reverted.performed()).as("calls performed by revert").anyMatch(PlatformCall::mutating);
            assertThat(reverted.restored().state()).as("state read back after revert, compared to the plan's pre-state")
                    .isEqualTo(plan.preState().state());
            assertThat(sandbox().snapshotOf(request.target()))
                    .as("platform state after revert, compared to before the action (the sandbox's own view)").isEqualTo(before);
            assertThat(executor.verify(plan).inPostState()).as("verify after revert").isFalse();
        });
    }

    @TestFactory
    public Stream<DynamicTest> revertAfterAnOutOfBandChangeRefusesWithDrift() {
        assumeFullKit();
        return perRequest("revert after drift", Reversibility::canRevert, (executor, request) -> {
            Map<String, String> before = sandbox().snapshotOf(request.target());
            ActionPlan plan = executor.plan(request);
            executor.execute(plan, "tck-key-1");
            Map<String, String> executed = sandbox().snapshotOf(request.target());

            sandbox().applyOutOfBandChange(request.target());
            Map<String, String> drifted = sandbox().snapshotOf(request.target());
            assertThat(drifted).as("sandbox().applyOutOfBandChange must change the platform state").isNotEqualTo(executed);
            int calls = sandbox().mutatingCallCount();

            ConnectorException refused = refusal("revert after an out-of-band change", () -> executor.revert(plan, false));
            assertThat(refused.code()).as("code of revert after an out-of-band change").isEqualTo(ErrorCode.DRIFT);
            assertThat(refused.retriable()).as("a drift refusal is terminal").isFalse();
            assertThat(sandbox().mutatingCallCount()).as("mutating calls made by a revert that refused").isEqualTo(calls);
            assertThat(sandbox().snapshotOf(request.target())).as("platform state after a revert that refused").isEqualTo(drifted);

            RevertResult forced = executor.revert(plan, true);
            leaks.inspect("a revert result", forced);
            if (plan.reversibility() == Reversibility.REVERSIBLE) {
                assertThat(sandbox().snapshotOf(request.target()))
                        .as("platform state after an approver forced the revert, compared to before the action").isEqualTo(before);
            }
        });
    }

    @TestFactory
    public Stream<DynamicTest> irreversibleActionsRefuseRevert() {
        assumeFullKit();
        return perRequest("revert of an irreversible action", r -> r == Reversibility.IRREVERSIBLE, (executor, request) -> {
            ActionPlan plan = executor.plan(request);
            assertThat(plan.reversibility()).as("reversibility of the plan of an irreversible rung").isEqualTo(Reversibility.IRREVERSIBLE);
            executor.execute(plan, "tck-key-1");
            int calls = sandbox().mutatingCallCount();
            for (boolean force : new boolean[] {false, true}) {
                ConnectorException refused = refusal("revert(force=" + force + ") of an irreversible action",
                        () -> executor.revert(plan, force));
                assertThat(refused.code()).as("code of revert of an irreversible action").isEqualTo(ErrorCode.NOT_SUPPORTED);
            }
            assertThat(sandbox().mutatingCallCount()).as("mutating calls made by a refused revert").isEqualTo(calls);
        });
    }

    // ---------------------------------------------------------------- helpers

    /** The clock of the current connector's context, which the kit moves. */
    private SettableClock clock() {
        assertThat(context.clock()).as("the clock of context(): keep a SettableClock, the kit moves time").isInstanceOf(SettableClock.class);
        return (SettableClock) context.clock();
    }

    /** What of a plan an approval binds (the engine's plan digest): all but the summary and the capture times. */
    private static Map<String, Object> approvalBound(ActionPlan plan) {
        Map<String, Object> bound = new LinkedHashMap<>();
        bound.put("connectorId", plan.connectorId());
        bound.put("request", plan.request());
        bound.put("calls", plan.calls());
        bound.put("reversibility", plan.reversibility());
        bound.put("preState", plan.preState().state());
        bound.put("postState", plan.postState().state());
        bound.put("details", new TreeMap<>(plan.details()));
        return bound;
    }

    /** One check run on one action request, against a fresh connector. */
    @FunctionalInterface
    private interface ActionCheck {
        void check(ActionExecutor executor, ActionRequest request) throws Throwable;
    }

    private Stream<DynamicTest> perRequest(String check, Predicate<Reversibility> applies, ActionCheck body) {
        assumeTrue(declares(Behavior.ACTIONS), "the test does not declare ACTIONS");
        Map<Rung, Reversibility> rungs = connect().actions().rungs();
        List<ActionRequest> chosen = actionRequests().stream()
                .filter(r -> rungs.containsKey(r.rung()) && applies.test(rungs.get(r.rung())))
                .toList();
        assumeFalse(chosen.isEmpty(), "no declared rung this check applies to");
        return chosen.stream().map(request -> dynamicTest(check + ": " + describe(request), () -> {
            Connector c = connect();
            body.check(c.actions(), request);
        }));
    }

    private static String describe(ActionRequest request) {
        return request.rung().policyName() + " on " + request.target().identity().id()
                + (request.target().credential() == null ? "" : "/" + request.target().credential().id());
    }

    /** A call that reads from the platform, used to check fault mapping. */
    private record ReadSurface(String name, Consumer<Connector> call) {
    }

    private List<ReadSurface> readSurfaces() {
        List<ReadSurface> surfaces = new ArrayList<>();
        if (declares(Behavior.TELEMETRY_POLL)) {
            surfaces.add(new ReadSurface("telemetry().poll", c -> c.telemetry().poll(Cursor.START, 10)));
        }
        if (declares(Behavior.INVENTORY)) {
            surfaces.add(new ReadSurface("inventory().list", c -> c.inventory().list(null, 10)));
        }
        if (declares(Behavior.HEALTH_CHECK)) {
            surfaces.add(new ReadSurface("checkHealth", Connector::checkHealth));
        }
        if (declares(Behavior.ACTIONS) && !actionRequests().isEmpty()) {
            surfaces.add(new ReadSurface("actions().plan", c -> c.actions().plan(actionRequests().get(0))));
        }
        return surfaces;
    }

    private static Object component(Connector c, Capability capability) {
        return switch (capability) {
            case TELEMETRY_POLL -> c.telemetry();
            case TELEMETRY_NORMALIZE -> c.normalizer();
            case INVENTORY -> c.inventory();
            case ACTIONS -> c.actions();
        };
    }

    /** Runs {@code call}, which must fail with a {@link ConnectorException}; the exception is checked for leaks. */
    private ConnectorException refusal(String what, Executable call) {
        try {
            call.execute();
        } catch (ConnectorException e) {
            leaks.inspect("the exception of " + what, e);
            return e;
        } catch (Throwable t) {
            leaks.inspect("the exception of " + what, t);
            throw new AssertionError(what + " threw " + t + " instead of a ConnectorException: every failure that"
                    + " crosses the plugin boundary is a ConnectorException with a standard code", t);
        }
        throw new AssertionError(what + " did not fail");
    }

    private static void assertStandardRefusal(ConnectorException e, String connectorId) {
        assertThat(e.code()).as("code of a refusal (%s)", e.getMessage()).isEqualTo(ErrorCode.NOT_SUPPORTED);
        assertThat(e.getMessage()).as("message of a refusal: use ConnectorException.notSupported(id, what)")
                .startsWith("Connector '" + connectorId + "' does not support ");
    }

    private static void assertRejectionsExplained(List<Rejection> rejections) {
        assertThat(rejections).as("rejections name where the record was and what was wrong")
                .allMatch(r -> !r.location().isBlank() && !r.reason().isBlank());
    }

    private List<InventoryIdentity> listAll(Connector c, int pageSize) {
        List<InventoryIdentity> all = new ArrayList<>();
        String token = null;
        Set<String> tokens = new HashSet<>();
        for (int pages = 0; ; pages++) {
            assertThat(pages).as("inventory pages before the last (page tokens must move on)").isLessThan(MAX_POLLS);
            InventoryPage page = c.inventory().list(token, pageSize);
            leaks.inspect("an inventory page", page);
            assertThat(page.identities().size()).as("identities on a page of size %d", pageSize).isLessThanOrEqualTo(pageSize);
            all.addAll(page.identities());
            if (page.isLast()) {
                return all;
            }
            assertThat(tokens.add(page.nextPageToken())).as("page token %s seen before", page.nextPageToken()).isTrue();
            token = page.nextPageToken();
        }
    }

    /** What polling from a cursor until {@code hasMore} is false gave. */
    private record Drained(List<IdentityEvent> events, List<Rejection> rejections, List<Cursor> cursors,
                           List<List<String>> pages) {
        List<String> ids() {
            return ConnectorTck.ids(events);
        }

        Cursor last() {
            return cursors.get(cursors.size() - 1);
        }
    }

    private Drained drain(TelemetrySource source, Cursor from, int maxEvents) {
        List<IdentityEvent> events = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        List<Cursor> cursors = new ArrayList<>();
        List<List<String>> pages = new ArrayList<>();
        Cursor cursor = from;
        for (int polls = 0; ; polls++) {
            assertThat(polls).as("polls before hasMore turned false").isLessThan(MAX_POLLS);
            TelemetryBatch batch = source.poll(cursor, maxEvents);
            leaks.inspect("a telemetry batch", batch);
            assertThat(batch.events().size() + batch.rejections().size())
                    .as("events plus rejections in one batch polled with maxEvents=%d", maxEvents).isLessThanOrEqualTo(maxEvents);
            assertThat(batch.events()).as("platform of polled events").allMatch(e -> e.platform().equals(factory().id()));
            events.addAll(batch.events());
            rejections.addAll(batch.rejections());
            pages.add(ids(batch.events()));
            cursors.add(batch.next());
            cursor = batch.next();
            if (!batch.hasMore()) {
                return new Drained(events, rejections, cursors, pages);
            }
        }
    }

    /** What a normalizer gave for one payload. */
    private record Normalized(List<IdentityEvent> events, List<Rejection> rejections) {
    }

    private Normalized normalize(EventNormalizer normalizer, RawExport export) {
        CollectingSink sink = new CollectingSink();
        normalizer.normalize(export.toPayload(), sink);
        leaks.inspect("normalized events", sink.events());
        leaks.inspect("rejections", sink.rejections());
        return new Normalized(sink.events(), sink.rejections());
    }

    private static List<String> ids(List<IdentityEvent> events) {
        return events.stream().map(IdentityEvent::id).toList();
    }

    /** Events with {@code rawRef} cleared: a polled and a pushed record differ only in where they were read. */
    private static List<IdentityEvent> withoutRawRef(List<IdentityEvent> events) {
        return events.stream().map(e -> new IdentityEvent(e.id(), e.time(), e.platform(), e.tenant(), e.identity(),
                e.credential(), e.category(), e.action(), e.outcome(), e.source(), e.session(), e.privilege(),
                e.workload(), e.finding(), e.target(), null, e.attributes())).toList();
    }

    private static List<String> servicesListed(URL url) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
            List<String> names = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int hash = line.indexOf('#');
                String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + url, e);
        }
    }
}
