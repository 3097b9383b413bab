package dev.llmrollout.unleash;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The Unleash adapter knows the core and Unleash only; its public API hides its internals. */
@AnalyzeClasses(
    packages = "dev.llmrollout.unleash",
    importOptions = ImportOption.DoNotIncludeTests.class)
class UnleashArchitectureTest {

  @ArchTest
  static final ArchRule dependsOnNoOtherAdapterOrCoreInternals =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.llmrollout.local..",
              "dev.llmrollout.launchdarkly..",
              "dev.llmrollout.appconfig..",
              "dev.llmrollout.router..",
              "dev.llmrollout.guard..",
              "dev.llmrollout.internal..",
              "dev.llmrollout.provider.internal..");

  @ArchTest
  static final ArchRule internalsDoNotReachBackIntoThePublicApi =
      noClasses()
          .that()
          .resideInAPackage("dev.llmrollout.unleash.internal..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.llmrollout.unleash");
}
