package dev.llmrollout.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules of the architecture, checked over every module on the router's classpath:
 * adapters know the core and one vendor each, never each other; the router and the guard name no
 * adapter and no vendor.
 */
@AnalyzeClasses(packages = "dev.llmrollout", importOptions = ProductionClassesOnly.class)
class ModuleBoundariesTest {
  private static final String LOCAL = "dev.llmrollout.local..";
  private static final String LAUNCHDARKLY = "dev.llmrollout.launchdarkly..";
  private static final String UNLEASH = "dev.llmrollout.unleash..";
  private static final String APPCONFIG = "dev.llmrollout.appconfig..";

  @ArchTest
  static final ArchRule localAdapterKnowsNoOtherAdapter =
      adapter(LOCAL, LAUNCHDARKLY, UNLEASH, APPCONFIG);

  @ArchTest
  static final ArchRule launchDarklyAdapterKnowsNoOtherAdapter =
      adapter(LAUNCHDARKLY, LOCAL, UNLEASH, APPCONFIG);

  @ArchTest
  static final ArchRule unleashAdapterKnowsNoOtherAdapter =
      adapter(UNLEASH, LOCAL, LAUNCHDARKLY, APPCONFIG);

  @ArchTest
  static final ArchRule appConfigAdapterKnowsNoOtherAdapter =
      adapter(APPCONFIG, LOCAL, LAUNCHDARKLY, UNLEASH);

  @ArchTest
  static final ArchRule routerAndGuardNameNoAdapterOrVendor =
      noClasses()
          .that()
          .resideInAnyPackage("dev.llmrollout.router..", "dev.llmrollout.guard..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              LOCAL,
              LAUNCHDARKLY,
              UNLEASH,
              APPCONFIG,
              "com.launchdarkly..",
              "io.getunleash..",
              "software.amazon..");

  @ArchTest
  static final ArchRule guardKnowsNoRouter =
      noClasses()
          .that()
          .resideInAPackage("dev.llmrollout.guard..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.llmrollout.router..");

  private static ArchRule adapter(String adapter, String... others) {
    return noClasses()
        .that()
        .resideInAPackage(adapter)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(others);
  }
}
