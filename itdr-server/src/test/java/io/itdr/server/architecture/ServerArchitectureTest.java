package io.itdr.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.itdr.core.audit.Ledger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's layers, checked on the compiled classes: a package per job (connector hosting,
 * intake, scheduled jobs, people's commands, queries, stores, API, security, configuration) and
 * no cycles between them. Each rule says what to do instead, so a failure is a pointer.
 */
class ServerArchitectureTest {
    private static final String ROOT = "io.itdr.server";
    private static JavaClasses server;

    @BeforeAll
    static void importClasses() {
        server = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    private static String pkg(String name) {
        return ROOT + "." + name + "..";
    }

    @Test
    void serverPackagesHaveNoCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles()
                .because("each package is one job; when two need each other, move the shared type to the lower one "
                        + "(settings to config, read models to query) instead of importing upwards")
                .check(server);
    }

    @Test
    void controllersReadThroughQueriesNotStores() {
        noClasses().that().resideInAPackage(pkg("api")).should().dependOnClassesThat().resideInAPackage(pkg("store"))
                .because("controllers read through the interfaces in io.itdr.server.query and act through "
                        + "io.itdr.server.response.ActionCommands; a store type in a controller ties the API to one database layout")
                .check(server);
    }

    @Test
    void onlyTheCoreWritesTheLedger() {
        DescribedPredicate<JavaMethodCall> ledgerAppend = new DescribedPredicate<>("an append to the audit ledger") {
            @Override
            public boolean test(JavaMethodCall call) {
                return call.getTargetOwner().isAssignableTo(Ledger.class) && call.getName().startsWith("append");
            }
        };
        noClasses().that().resideInAPackage(ROOT + "..").and().resideOutsideOfPackage(pkg("store"))
                .should().callMethodWhere(ledgerAppend)
                .because("every ledger entry is written by the core's stage that it records (pipeline, coordinator, "
                        + "rollback, kill switch); add a core method that ledgers and acts, and call that")
                .check(server);
    }

    @Test
    void configurationDependsOnNoOtherServerPackage() {
        noClasses().that().resideInAPackage(pkg("config")).should().dependOnClassesThat()
                .resideInAnyPackage(pkg("api"), pkg("cli"), pkg("connector"), pkg("intake"), pkg("metrics"), pkg("query"),
                        pkg("response"), pkg("schedule"), pkg("security"), pkg("store"))
                .because("io.itdr.server.config holds the settings every package reads; wiring belongs in the "
                        + "composition root (io.itdr.server.ServerConfiguration)")
                .check(server);
    }

    @Test
    void storesKnowNothingAboveThem() {
        noClasses().that().resideInAPackage(pkg("store")).should().dependOnClassesThat()
                .resideInAnyPackage(pkg("api"), pkg("cli"), pkg("connector"), pkg("intake"), pkg("metrics"),
                        pkg("response"), pkg("schedule"), pkg("security"), pkg("config"))
                .because("stores implement the core's store interfaces and the query interfaces and are usable without "
                        + "Spring (the command line and the benchmarks open them directly); pass settings in through constructors")
                .check(server);
    }

    @Test
    void connectorHostingKnowsNothingOfThePipeline() {
        noClasses().that().resideInAPackage(pkg("connector")).should().dependOnClassesThat()
                .resideInAnyPackage(pkg("api"), pkg("cli"), pkg("intake"), pkg("metrics"), pkg("query"), pkg("response"),
                        pkg("schedule"), pkg("store"))
                .because("connector hosting loads, configures and bulkheads plugins; what is done with their events "
                        + "and actions belongs to the intake and the scheduled jobs, which use the hosting, not the other way round")
                .check(server);
    }

    @Test
    void scheduledJobsAndIntakeDoNotReachTheApi() {
        noClasses().that().resideInAnyPackage(pkg("intake"), pkg("schedule"), pkg("response"), pkg("metrics"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("api"), pkg("cli"))
                .because("the API and the command line are entry points on top; background jobs and commands must work "
                        + "without them (raise a domain exception and let io.itdr.server.api map it)")
                .check(server);
    }
}
