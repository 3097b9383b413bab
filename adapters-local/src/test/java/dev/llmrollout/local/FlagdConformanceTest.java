package dev.llmrollout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.local.conformance.EvaluatorSteps;
import dev.llmrollout.local.conformance.GherkinScenarios;
import dev.llmrollout.local.conformance.GherkinScenarios.Scenario;
import dev.llmrollout.local.conformance.GherkinScenarios.Step;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: flagd's evaluator conformance suite (flagd-testbed v3.9.0, {@code evaluator/gherkin}
 * over {@code evaluator/flags/testkit-flags.json}) through the OpenFeature client over the provider
 * on a local-file backend, one dynamic test per scenario and example row. The {@code
 * @fractional-v1} examples are flagd's legacy bucketing and are skipped. The scenarios listed in
 * {@link #DELIBERATE} differ on purpose (docs/adapters-local.md, "Differences from flagd, on
 * purpose"): their test asserts our documented answer and that flagd's still differs.
 */
class FlagdConformanceTest {
  private static final String SUITE = "/flagd-testbed/evaluator/";
  private static final List<String> FEATURES =
      List.of(
          "disabled",
          "errors",
          "evaluation",
          "evaluator-refs",
          "fractional",
          "metadata",
          "no-default-variant",
          "semver",
          "string",
          "targeting",
          "zero-values");
  private static final String LEGACY_BUCKETING = "@fractional-v1";

  /**
   * The scenarios whose flag's targeting can never work, with the place our load-time rejection
   * names: every evaluation is a PARSE_ERROR naming the flag and that place, where flagd serves the
   * default variant at run time.
   */
  private static final Map<String, String> DELIBERATE =
      Map.of(
          "semver.feature: sem_ver returns null for invalid input and falls back to default variant"
              + " [Examples #2: key=semver-invalid-operator-flag, context_value=1.0.0]",
          "$.targeting.sem_ver[1]: expected one of the operators [!=, <, <=, =, >, >=, ^, ~],"
              + " found \"===\"",
          "semver.feature: sem_ver returns null for wrong argument count",
          "$.targeting.sem_ver: expected 3 arguments [version, operator, version], found 2",
          "string.feature: starts_with and ends_with return null for wrong argument count"
              + " [Examples #1: key=starts-with-wrong-args-flag]",
          "$.targeting.starts_with: expected 2 arguments [value, prefix], found 1",
          "string.feature: starts_with and ends_with return null for wrong argument count"
              + " [Examples #2: key=ends-with-wrong-args-flag]",
          "$.targeting.ends_with: expected 2 arguments [value, suffix], found 1");

  @TempDir static Path dir;
  private static OpenFeatureAPI api;
  private static Client client;

  @BeforeAll
  static void serveTheTestkitFlags() throws IOException {
    Path flags = dir.resolve("testkit-flags.json");
    try (InputStream in = resource("flags/testkit-flags.json")) {
      Files.copy(in, flags);
    }
    api = OpenFeatureAPI.createIsolated();
    api.setProviderAndWait(LlmFeatureProvider.builder(LocalFileBackend.watching(flags)).build());
    client = api.getClient();
  }

  @AfterAll
  static void shutdown() {
    api.shutdown();
  }

  private static InputStream resource(String path) {
    InputStream in = FlagdConformanceTest.class.getResourceAsStream(SUITE + path);
    if (in == null) {
      throw new IllegalStateException("missing test resource " + SUITE + path);
    }
    return in;
  }

  private static List<Scenario> allScenarios() {
    List<Scenario> scenarios = new ArrayList<>();
    for (String feature : FEATURES) {
      try (InputStream in = resource("gherkin/" + feature + ".feature")) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        scenarios.addAll(GherkinScenarios.parse(feature + ".feature", text));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return scenarios;
  }

  private static boolean applies(Scenario scenario) {
    return !scenario.tags().contains(LEGACY_BUCKETING);
  }

  @Test
  void theWholeSuiteIsRead() {
    List<Scenario> scenarios = allScenarios();
    assertThat(scenarios).hasSize(140);
    assertThat(scenarios.stream().filter(s -> !applies(s))).hasSize(15);
    assertThat(scenarios.stream().filter(FlagdConformanceTest::applies).map(Scenario::name))
        .containsAll(DELIBERATE.keySet());
  }

  @TestFactory
  Stream<DynamicTest> flagdEvaluatorSuite() {
    return allScenarios().stream()
        .filter(FlagdConformanceTest::applies)
        .map(
            s ->
                DynamicTest.dynamicTest(
                    DELIBERATE.containsKey(s.name())
                        ? s.name() + " (deliberate difference: rejected at load)"
                        : s.name(),
                    () -> run(s)));
  }

  /** Runs the steps up to the evaluation, then flagd's checks or, for a listed one, ours. */
  private static void run(Scenario scenario) {
    EvaluatorSteps steps = new EvaluatorSteps(client);
    List<Step> checks = new ArrayList<>();
    for (Step step : scenario.steps()) {
      if (steps.details() == null) {
        steps.run(step);
      } else {
        checks.add(step);
      }
    }
    assertThat(steps.details()).as("the scenario evaluated a flag").isNotNull();
    String difference = DELIBERATE.get(scenario.name());
    if (difference == null) {
      checks.forEach(steps::run);
      return;
    }
    assertThat(steps.details().getErrorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
    assertThat(steps.details().getErrorMessage())
        .contains("flag '" + steps.flagKey() + "': at " + difference);
    assertThatThrownBy(() -> checks.forEach(steps::run))
        .as("flagd's answer still differs; else drop it from the deliberate differences")
        .isInstanceOf(AssertionError.class);
  }
}
