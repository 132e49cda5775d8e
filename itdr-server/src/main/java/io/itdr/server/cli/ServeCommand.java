package io.itdr.server.cli;

import io.itdr.core.decide.policy.PolicyException;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.CatalogException;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.normalize.Printable;
import io.itdr.server.ItdrServerApplication;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code itdr serve}: runs the central server until it is stopped (Ctrl-C, SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the central server: connectors polled on a schedule, the engine with its database, the REST API "
                + "under /api/v1, health and Prometheus metrics under /actuator.",
                "Configuration: application.yaml beside the working directory, any property as a --name=value argument "
                        + "(e.g. --itdr.connectors.okta.enabled=true), or environment variables (ITDR_DB_URL, "
                        + "ITDR_CONNECTORS_AWS_ENABLED=true, ...)."},
        footer = {"%nExamples:",
                "  itdr serve",
                "  itdr serve --port 9090 --policy policy.yaml --catalog catalog.yaml \\",
                "      --itdr.connectors.aws.enabled=true",
                "  ITDR_DB_URL=jdbc:postgresql://db/itdr ITDR_DB_USER=itdr \\",
                "      ITDR_DB_PASSWORD=... itdr serve"})
final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default 8080, or ITDR_PORT)")
    Integer port;

    @Option(names = "--db-url", paramLabel = "JDBC_URL", description = "database (default: H2 file under ./data, or ITDR_DB_URL)")
    String dbUrl;

    @Option(names = "--policy", paramLabel = "FILE", description = "policy file (default: the shipped default policy, shadow mode)")
    String policy;

    @Option(names = "--catalog", paramLabel = "FILE", description = "identity catalog overlay (YAML)")
    String catalog;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "plugin folder: one directory per connector, DIR/<id>/ with its jars (default: plugins/ beside itdr.jar)")
    String plugins;

    /** Every other argument is a server property, {@code --name=value}, handed to Spring Boot as is. */
    @Unmatched
    List<String> properties = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (port != null) {
            overrides.put("server.port", port);
        }
        if (dbUrl != null) {
            overrides.put("spring.datasource.url", dbUrl);
        }
        if (policy != null) {
            overrides.put("itdr.policy", policy);
        }
        if (catalog != null) {
            overrides.put("itdr.catalog", catalog);
        }
        if (plugins != null) {
            overrides.put("itdr.plugins.dir", plugins);
        }
        Integer refused = refuseBadInputs(overrides);
        if (refused != null) {
            return refused;
        }
        List<String> args = new ArrayList<>(properties);
        overrides.forEach((key, value) -> args.add("--" + key + "=" + value));
        ConfigurableApplicationContext context;
        try {
            context = ItdrServerApplication.start(Map.of(), args.toArray(String[]::new));
        } catch (RuntimeException e) {
            // Spring Boot has printed why start-up failed (for configuration: the property and what to change)
            return ExitCode.SOFTWARE;
        }
        CountDownLatch closed = new CountDownLatch(1);
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                closed.countDown();
            }
        });
        if (context.isActive()) {
            closed.await();
        }
        return ExitCode.OK;
    }

    /**
     * Reads the policy and catalog named on the command line before the server starts, so a rejected file is reported like
     * {@code itdr policy validate} reports it (exit 3), and no database is created or migrated for a server that cannot
     * run. Files named in application.yaml are checked by the server at start-up (its failure report names them too).
     */
    private Integer refuseBadInputs(Map<String, Object> overrides) {
        PrintWriter err = spec.commandLine().getErr();
        String policyFile = argument("itdr.policy", overrides);
        String catalogFile = argument("itdr.catalog", overrides);
        for (String file : new String[]{policyFile, catalogFile}) {
            if (file != null && !Files.isReadable(Path.of(file))) {
                err.println("itdr serve: " + Printable.escape(file) + ": cannot read: no such readable file");
                return ExitCode.UNREADABLE;
            }
        }
        try {
            if (policyFile != null) {
                PolicyLoader.load(Path.of(policyFile));
            }
            if (catalogFile != null) {
                IdentityCatalog.load(Path.of(catalogFile));
            }
            return null;
        } catch (PolicyException e) {
            err.println("itdr serve: the policy is invalid; the server did not start:");
            e.problems().forEach(p -> err.println("  " + Printable.escape(p.toString())));
        } catch (CatalogException e) {
            err.println("itdr serve: the catalog is invalid; the server did not start:");
            e.problems().forEach(p -> err.println("  " + Printable.escape(p.toString())));
        }
        err.flush();
        return ExitCode.INVALID;
    }

    /** The value of a property given as an option or as {@code --name=value}; null when not given on the command line. */
    private String argument(String name, Map<String, Object> overrides) {
        String value = overrides.containsKey(name) ? String.valueOf(overrides.get(name)) : null;
        for (String property : properties) {
            if (property.startsWith("--" + name + "=")) {
                value = property.substring(name.length() + 3);
            }
        }
        return value;
    }
}
