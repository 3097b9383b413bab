package dev.llmrollout.guard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The guard knows the core and Hipparchus only: no vendor, no router, no adapter. */
@AnalyzeClasses(
    packages = "dev.llmrollout.guard",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule noVendorOrRouter =
      noClasses()
          .that()
          .resideInAPackage("dev.llmrollout.guard..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "com.launchdarkly..",
              "io.getunleash..",
              "software.amazon..",
              "dev.llmrollout.router..",
              "dev.llmrollout.adapters..",
              "dev.llmrollout.local..");

  @ArchTest
  static final ArchRule publicApiDoesNotLeakInternals =
      noClasses()
          .that()
          .resideInAPackage("dev.llmrollout.guard.analysis..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.llmrollout.guard.internal..");
}
