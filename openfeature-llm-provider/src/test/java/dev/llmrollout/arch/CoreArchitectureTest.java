package dev.llmrollout.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The core knows no vendor and no adapter; its public API does not lean on its internals. */
@AnalyzeClasses(packages = "dev.llmrollout", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {

  @ArchTest
  static final ArchRule coreDependsOnNoVendor =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("com.launchdarkly..", "io.getunleash..", "software.amazon..");

  @ArchTest
  static final ArchRule coreDependsOnNoAdapterOrRouter =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.llmrollout.local..",
              "dev.llmrollout.launchdarkly..",
              "dev.llmrollout.unleash..",
              "dev.llmrollout.appconfig..",
              "dev.llmrollout.router..",
              "dev.llmrollout.guard..");

  @ArchTest
  static final ArchRule variantTypeStandsAlone =
      noClasses()
          .that()
          .resideInAPackage("dev.llmrollout.variant..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.llmrollout.spi..", "dev.llmrollout.provider..");
}
