package dev.llmrollout.appconfig.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.llmrollout.appconfig.AppConfigBackend;
import dev.llmrollout.appconfig.AppConfigBackendFactory;
import dev.llmrollout.appconfig.AppConfigRolloutControl;

/**
 * The adapter knows the core and AWS only: no other adapter (the local backend is on the test
 * classpath for the bucketing comparison, never in production code), no other HTTP client, and
 * internals that do not call back into the public classes.
 */
@AnalyzeClasses(
    packages = "dev.llmrollout.appconfig",
    importOptions = ImportOption.DoNotIncludeTests.class)
class AppConfigArchitectureTest {

  @ArchTest
  static final ArchRule dependsOnNoOtherAdapter =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.llmrollout.local..",
              "dev.llmrollout.launchdarkly..",
              "dev.llmrollout.unleash..",
              "dev.llmrollout.router..",
              "dev.llmrollout.guard..");

  @ArchTest
  static final ArchRule usesOneHttpClient =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "software.amazon.awssdk.http.apache..",
              "software.amazon.awssdk.http.nio..",
              "software.amazon.awssdk.http.crt..");

  @ArchTest
  static final ArchRule internalsDoNotReachBackIntoThePublicFacade =
      noClasses()
          .that()
          .resideInAPackage("dev.llmrollout.appconfig.internal..")
          .should()
          .dependOnClassesThat()
          .belongToAnyOf(
              AppConfigBackend.class, AppConfigRolloutControl.class, AppConfigBackendFactory.class);
}
