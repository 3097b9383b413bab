package dev.llmrollout.router.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The router knows the core and the OpenFeature API, not any vendor or adapter (it finds a backend
 * by configuration), and nothing outside the router reaches into its internals.
 */
@AnalyzeClasses(packages = "dev.llmrollout", importOptions = ImportOption.DoNotIncludeTests.class)
class RouterArchitectureTest {

  @ArchTest
  static final ArchRule routerDependsOnNoVendorOrAdapter =
      noClasses()
          .that()
          .resideInAPackage("dev.llmrollout.router..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "com.launchdarkly..",
              "io.getunleash..",
              "software.amazon..",
              "dev.llmrollout.local..",
              "dev.llmrollout.launchdarkly..",
              "dev.llmrollout.unleash..",
              "dev.llmrollout.appconfig..");

  @ArchTest
  static final ArchRule internalsStayInside =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.llmrollout.router..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.llmrollout.router.internal..");
}
