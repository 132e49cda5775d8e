package io.itdr.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noCodeUnits;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.lang.conditions.ArchConditions;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of DESIGN §2 and the pipeline's layering, checked on the compiled classes. Each
 * rule says why, so a failure tells the reader what to do.
 */
class ArchitectureTest {
    private static JavaClasses spi;
    private static JavaClasses core;

    @BeforeAll
    static void importClasses() {
        ClassFileImporter importer = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS);
        spi = importer.importPackages("io.itdr.spi");
        core = importer.importPackages("io.itdr.core");
    }

    @Test
    void spiDependsOnTheJdkOnly() {
        classes().that().resideInAPackage("io.itdr.spi..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.itdr.spi..", "java..")
                .because("a vendor builds a plugin against itdr-spi alone: no Jackson, no SDK, no framework types in the contract (DESIGN §2)")
                .check(spi);
    }

    @Test
    void spiSignaturesCarryNoStreamsOrIterators() {
        DescribedPredicate<JavaCodeUnit> lazySequenceInSignature = new DescribedPredicate<>("a Stream or Iterator in its signature") {
            @Override
            public boolean test(JavaCodeUnit method) {
                return isLazy(method.getRawReturnType()) || method.getRawParameterTypes().stream().anyMatch(ArchitectureTest::isLazy);
            }
        };
        noCodeUnits().that().areDeclaredInClassesThat().resideInAPackage("io.itdr.spi..")
                .and().arePublic()
                .should(ArchConditions.be(lazySequenceInSignature))
                .because("lazy sequences across the plugin boundary run plugin code on host threads at unknown times; use lists, pages and sinks (STYLE)")
                .check(spi);
    }

    private static boolean isLazy(JavaClass type) {
        return type.isAssignableTo(java.util.stream.BaseStream.class) || type.isAssignableTo(java.util.Iterator.class)
                || type.isAssignableTo(java.util.Spliterator.class);
    }

    @Test
    void coreCarriesNoFixtureAndNoGenerator() {
        noClasses().that().resideInAPackage("io.itdr.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.itdr.fixture..", "io.itdr.generate..", "com.github.tomakehurst..")
                .because("platform simulations, their renderers and the estate generator are modules of their own that use the core (issue #11); "
                        + "the engine decides, it does not make up estates")
                .check(core);
    }

    @Test
    void coreNeverUsesSpringOrAConnector() {
        noClasses().that().resideInAPackage("io.itdr.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.itdr.connector..", "io.itdr.server..",
                        "software.amazon..", "com.azure..", "com.microsoft..", "com.okta..", "com.google.cloud..")
                .because("the engine runs the same policy whatever is plugged in, without a container; platforms are reached through itdr-spi (DESIGN §2)")
                .check(core);
    }

    @Test
    void modelDependsOnNothingButTheSpiAndTheJdk() {
        classes().that().resideInAPackage("io.itdr.core.model..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.itdr.core.model..", "io.itdr.spi..", "java..")
                .because("the model is plain values every stage shares; it must not pull a stage or a library in")
                .check(core);
    }

    @Test
    void detectionDoesNotActAndPolicyDoesNotExecute() {
        noClasses().that().resideInAnyPackage("io.itdr.core.detect..", "io.itdr.core.enrich..", "io.itdr.core.decide..")
                .should().dependOnClassesThat().resideInAnyPackage("io.itdr.core.act..", "io.itdr.core.recover..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.itdr.spi.action.ActionExecutor")
                .because("detection, decision and containment are separate stages: only the act and recover stages call a connector (DESIGN §3)")
                .allowEmptyShould(true)
                .check(core);
    }

    @Test
    void noSpelOgnlOrMvel() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework.expression..", "ognl..", "org.mvel2..")
                .because("user-written expressions are CEL only: sandboxed and non-Turing-complete (DESIGN §5)")
                .check(core);
    }
}
