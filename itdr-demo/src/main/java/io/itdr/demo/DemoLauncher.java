package io.itdr.demo;

import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.server.ItdrServerApplication;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * {@code bin/itdr-demo}: starts a {@link DemoEstate} and the central server against it, on a fresh
 * H2 database under {@code ./data/demo}, with the shipped default policy switched to enforce, and
 * prints where to look and the bootstrap admin token. Runs until stopped (Ctrl-C).
 *
 * <p>Options: {@code --identities N} (default 300), {@code --days D} (7), {@code --seed S} (7),
 * {@code --data DIR} (./data/demo); every other {@code --name=value} goes to the server
 * ({@code --server.port=9090}).
 */
public final class DemoLauncher {
    private DemoLauncher() {
    }

    /** What the command line asks for. */
    record Options(long seed, int identities, int days, Path data, List<String> serverArgs) {
        static Options parse(String[] args) {
            long seed = 7;
            int identities = 300;
            int days = 7;
            Path data = Path.of("data", "demo");
            List<String> server = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--identities" -> identities = Integer.parseInt(value(args, ++i, arg));
                    case "--days" -> days = Integer.parseInt(value(args, ++i, arg));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
                    case "--data" -> data = Path.of(value(args, ++i, arg));
                    default -> {
                        if (!arg.startsWith("--") || !arg.contains("=")) {
                            throw new IllegalArgumentException("unknown argument '" + arg + "': expected --identities N, --days D, "
                                    + "--seed S, --data DIR or a server property as --name=value");
                        }
                        server.add(arg);
                    }
                }
            }
            return new Options(seed, identities, days, data, List.copyOf(server));
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("itdr-demo: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        Files.createDirectories(options.data());
        // a fresh database each run: the estate is generated anew, ending now
        Files.deleteIfExists(options.data().resolve("itdr.mv.db"));
        Files.deleteIfExists(options.data().resolve("itdr.trace.db"));
        out.printf("itdr-demo: generating %d identities over %d days (seed %d) and starting the AWS, Okta, Google Cloud, Azure, GitHub "
                + "and GitLab emulations...%n",
                options.identities(), options.days(), options.seed());
        DemoEstate estate = DemoEstate.start(new DemoEstate.Settings(options.seed(), options.identities(), options.days(), options.data()),
                Clock.systemUTC());
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String token = "itdr_demo_" + HexFormat.of().formatHex(secret);
        DemoConsole console = DemoConsole.start();
        ConfigurableApplicationContext server;
        try {
            Map<String, Object> defaults = serverDefaults(estate, options.data(), token);
            defaults.putAll(console.properties());
            server = ItdrServerApplication.start(defaults, serverArgs(options).toArray(String[]::new));
        } catch (RuntimeException e) {
            console.close();
            estate.close();
            System.err.println("itdr-demo: the server did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch closed = new CountDownLatch(1);
        server.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                closed.countDown();
            }
        });
        printWhereToLook(out, estate, server, token, console);
        if (server.isActive()) {
            closed.await();
        }
        console.close();
        estate.close();
    }

    /** The server's properties for the demo: the estate's connectors, catalog and enforcing policy. */
    static Map<String, Object> serverDefaults(DemoEstate estate, Path data, String token) throws IOException {
        Map<String, Object> defaults = new LinkedHashMap<>(estate.properties());
        defaults.put("itdr.catalog", estate.catalog().toAbsolutePath().toString());
        defaults.put("itdr.policy", enforcingDefaultPolicy(data).toAbsolutePath().toString());
        defaults.put("itdr.security.bootstrap-admin-token", token);
        return defaults;
    }

    /**
     * The server's arguments: the operator's, and H2 under the demo's directory unless they name a
     * database (application.yaml sets one, so it must be an argument, not a default).
     */
    static List<String> serverArgs(Options options) {
        List<String> args = new ArrayList<>(options.serverArgs());
        if (args.stream().noneMatch(a -> a.startsWith("--spring.datasource.url="))) {
            args.add("--spring.datasource.url=jdbc:h2:file:" + options.data().toAbsolutePath().resolve("itdr") + ";WRITE_DELAY=0");
        }
        return args;
    }

    /** The shipped default policy with {@code mode: enforce}: the demo contains automatically what the policy allows. */
    static Path enforcingDefaultPolicy(Path data) throws IOException {
        String text;
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the default policy is not on the class path: " + PolicyLoader.DEFAULT_POLICY_RESOURCE);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String enforcing = text.replaceFirst("(?m)^mode: shadow$", "mode: enforce");
        if (enforcing.equals(text)) {
            throw new IllegalStateException("the default policy no longer says 'mode: shadow' on a line of its own");
        }
        Path file = data.resolve("demo-policy.yaml");
        try {
            Files.writeString(file, enforcing);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static void printWhereToLook(PrintStream out, DemoEstate estate, ConfigurableApplicationContext server, String token,
                                         DemoConsole console) {
        int port = server instanceof WebServerApplicationContext web ? web.getWebServer().getPort() : 8080;
        String base = "http://localhost:" + port;
        DemoEstate.Served s = estate.served();
        String auth = "-H 'Authorization: Bearer " + token + "'";
        out.println();
        out.println("itdr-demo is running. Ctrl-C stops it.");
        out.printf("  Estate:   %,d CloudTrail records (%,d management, the rest data events) in %,d trail log files, %d GuardDuty "
                        + "finding(s) and %,d Okta LogEvents from %s to %s; %d IAM users, %d IAM roles, %d Okta service apps; attacks %s%n",
                s.cloudTrailEvents(), s.managementEvents(), s.trailFiles(), estate.guardDutyFindings(), s.oktaLogEvents(), s.from(), s.to(),
                s.iamUsers(), s.iamRoles(), s.oktaApps(), s.attacks());
        out.printf("  AWS:      %s (IAM, STS, CloudTrail event history, the organization trail's S3 bucket and SQS queue, Secrets "
                + "Manager emulation; the connector reads the trail through SQS)%n", estate.awsEndpoint());
        out.printf("  Okta:     %s (System Log and Management API emulation, org %s)%n", estate.oktaEndpoint(), DemoEstate.OKTA_ORG);
        out.printf("  GCP:      %s (Cloud Logging, IAM and Resource Manager emulation: %,d audit log entries, %d service accounts "
                + "in projects %s)%n", estate.gcpProject().endpoint(), estate.gcpProject().entries(), estate.gcpProject().accounts(),
                estate.gcpProject().projects());
        out.printf("  Azure:    %s (Microsoft Graph sign-in and audit logs, directory and Resource Manager RBAC emulation: %,d service "
                + "principal sign-ins, %,d directory audits, %d service principals in tenant %s; token endpoint %s)%n",
                estate.azureTenant().endpoint(), estate.azureTenant().signIns(), estate.azureTenant().audits(),
                estate.azureTenant().servicePrincipals(), AzureDemoTenant.TENANT_ID, estate.azureTenant().authority());
        out.printf("  GitHub:   %s (organization %s: audit log, apps, deploy keys, fine-grained token grants; %,d audit log events, "
                + "%d identities)%n", estate.gitHubOrg().endpoint(), DemoEstate.GITHUB_ORG, estate.gitHubOrg().events(), estate.gitHubOrg().identities());
        out.printf("  GitLab:   %s (group %s: audit events, access tokens and their bot users; %,d audit events)%n",
                estate.gitLabGroup().endpoint(), DemoEstate.GITLAB_GROUP, estate.gitLabGroup().events());
        out.printf("  Catalog:  %s%n", estate.catalog().toAbsolutePath());
        out.printf("  Server:   %s (H2 under %s, default policy in enforce mode)%n", base, estate.catalog().toAbsolutePath().getParent());
        out.printf("  Admin token (bootstrap): %s%n", token);
        console.printWhereToSignIn(out, base);
        out.println();
        out.println("The connectors poll every 5 s; within a minute findings, containment, holds and the ledger are there:");
        for (String path : List.of("/actuator/health", "/api/v1/connectors", "/api/v1/findings", "/api/v1/actions", "/api/v1/approvals",
                "/api/v1/ledger/verify")) {
            out.printf("  curl -s %s %s%s%n", auth, base, path);
        }
        out.println();
    }
}
