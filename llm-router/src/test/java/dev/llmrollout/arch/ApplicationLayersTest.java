package dev.llmrollout.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The application sits on the router library, never the other way round, and uses only the
 * library's public API (not {@code router.internal}), as any embedding application would.
 */
@AnalyzeClasses(packages = "dev.llmrollout", importOptions = ProductionClassesOnly.class)
class ApplicationLayersTest {
  private static final String[] APPLICATION = {
    "dev.llmrollout.router.gateway..",
    "dev.llmrollout.router.cli..",
    "dev.llmrollout.router.demo..",
    "dev.llmrollout.router.eval.."
  };

  @ArchTest
  static final ArchRule libraryKnowsNoApplication =
      noClasses()
          .that()
          .resideInAnyPackage("dev.llmrollout.router", "dev.llmrollout.router.internal..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(APPLICATION);

  @ArchTest
  static final ArchRule applicationUsesThePublicApiOnly =
      noClasses()
          .that()
          .resideInAnyPackage(APPLICATION)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.llmrollout.router.internal..");
}
