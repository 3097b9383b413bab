package dev.llmrollout.router.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The router is a library an application embeds: it knows the core, the OpenFeature API, Jackson,
 * the template engine, HdrHistogram, the OpenTelemetry API and slf4j, never an adapter, a vendor
 * SDK, the guard, an HTTP server, a CLI framework, the OpenTelemetry SDK or a logging backend
 * (those are the llm-router application's). Nothing outside the router reaches into its internals.
 * The router's POM bans the same artifacts from its compile and runtime classpath.
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
  static final ArchRule routerIsNoApplication =
      noClasses()
          .that()
          .resideInAPackage("dev.llmrollout.router..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.llmrollout.guard..",
              "org.eclipse.jetty..",
              "picocli..",
              "io.opentelemetry.sdk..",
              "io.opentelemetry.exporter..",
              "io.prometheus..",
              "ch.qos.logback..",
              "org.apache.logging.log4j.core..",
              "org.hipparchus..",
              "com.networknt..");

  @ArchTest
  static final ArchRule internalsStayInside =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.llmrollout.router..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.llmrollout.router.internal..");
}
