package dev.llmrollout.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.provider.LlmFeatureProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Splits bucket exactly as flagd does and {@code sem_ver} compares as flagd does: the expected
 * values are flagd's own published test cases (flagd-testbed {@code gherkin/targeting.feature},
 * fractional v2 bucketing and the {@code @semver} scenarios) over its flag file.
 */
class FlagdConformanceTest {
  @TempDir static Path dir;
  private static OpenFeatureAPI api;
  private static Client client;

  @BeforeAll
  static void serveTestbedFlags() throws Exception {
    Path flags = dir.resolve("custom-ops.json");
    try (InputStream in =
        FlagdConformanceTest.class.getResourceAsStream("/flagd-testbed/custom-ops.json")) {
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

  private static String evaluate(String flag, EvaluationContext context) {
    FlagEvaluationDetails<String> details = client.getStringDetails(flag, "fallback", context);
    if (details.getErrorCode() != null) {
      return "fallback (" + details.getErrorCode() + ": " + details.getErrorMessage() + ")";
    }
    return details.getValue();
  }

  private static EvaluationContext userName(String name) {
    return new ImmutableContext(
        Map.of("user", new Value(new ImmutableStructure(Map.of("name", new Value(name))))));
  }

  @ParameterizedTest(name = "fractional-flag: user.name {0} -> {1}")
  @CsvSource({"jack, hearts", "queen, spades", "ten, clubs", "nine, diamonds", "3, clubs"})
  void fractionalV2WithBucketingExpression(String name, String expected) {
    assertThat(evaluate("fractional-flag", userName(name))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "shorthand: {0} -> {1}")
  @CsvSource({"jon@company.com, heads", "jane@company.com, tails"})
  void fractionalShorthandBucketsOnFlagKeyAndTargetingKey(String key, String expected) {
    assertThat(evaluate("fractional-flag-shorthand", new ImmutableContext(key)))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "shared seed: {0} -> {1} / ace-of-{1}")
  @CsvSource({"seven, hearts", "eight, diamonds", "nine, clubs", "two, spades"})
  void sharedSeedGivesTheSameBucketAcrossFlags(String name, String expected) {
    assertThat(evaluate("fractional-flag-A-shared-seed", userName(name))).isEqualTo(expected);
    assertThat(evaluate("fractional-flag-B-shared-seed", userName(name)))
        .isEqualTo("ace-of-" + expected);
  }

  @ParameterizedTest(name = "hash edge {0} -> {1}")
  @CsvSource({"ejOoVL, lower", "bY9fO-, lower", "SI7p-, lower", "6LvT0, upper", "ceQdGm, upper"})
  void hashEdgeCasesUseUnsignedHighPrecisionBuckets(String key, String expected) {
    assertThat(evaluate("fractional-hash-edge-flag", new ImmutableContext(key)))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "single entry")
  @CsvSource({"some-targeting-key, single"})
  void singleBucketAlwaysWins(String key, String expected) {
    assertThat(evaluate("fractional-single-entry-flag", new ImmutableContext(key)))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "nested if: {0} tier {1} -> {2}")
  @CsvSource({
    "jon@company.com, premium, premium",
    "jon@company.com, basic, standard",
    "user1, premium, standard",
    "user1, basic, standard"
  })
  void nestedIfAsBucketVariant(String key, String tier, String expected) {
    EvaluationContext context = new ImmutableContext(key, Map.of("tier", new Value(tier)));
    assertThat(evaluate("fractional-nested-if-flag", context)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "nested var: {0} color {1} -> {2}")
  @CsvSource({
    "jon@company.com, red, red",
    "jon@company.com, green, green",
    "user1, red, blue",
    "jon@company.com, yellow, fallback"
  })
  void nestedVarAsBucketVariant(String key, String color, String expected) {
    EvaluationContext context = new ImmutableContext(key, Map.of("color", new Value(color)));
    assertThat(evaluate("fractional-nested-var-flag", context)).startsWith(expected);
  }

  @ParameterizedTest(name = "nested weight: {0} tier {1} -> {2}")
  @CsvSource({
    "jon@company.com, premium, red",
    "jon@company.com, basic, blue",
    "user1, premium, red",
    "user1, basic, blue"
  })
  void nestedIfAsBucketWeight(String key, String tier, String expected) {
    EvaluationContext context = new ImmutableContext(key, Map.of("tier", new Value(tier)));
    assertThat(evaluate("fractional-nested-weight-flag", context)).isEqualTo(expected);
  }

  private static EvaluationContext version(String type, String version) {
    Value value =
        switch (type) {
          case "Integer" -> new Value(Integer.parseInt(version));
          case "Float" -> new Value(Double.parseDouble(version));
          default -> new Value(version);
        };
    return new ImmutableContext(Map.of("version", value));
  }

  @ParameterizedTest(name = "sem_ver ~ and ^: {0} -> {1}")
  @CsvSource({"3.0.1, minor", "3.1.0, major", "4.0.0, none"})
  void semVerMatchesMinorThenMajor(String version, String expected) {
    assertThat(evaluate("major-minor-version-flag", version("String", version)))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "sem_ver v prefix: {0} -> {1}")
  @CsvSource({"1.0.0, match", "v1.0.0, match", "V1.0.0, match", "2.0.0, no-match"})
  void semVerAcceptsAVPrefix(String version, String expected) {
    assertThat(evaluate("semver-v-prefix-flag", version("String", version))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "sem_ver partial: {1} {0} -> {2}")
  @CsvSource({
    "1.5.0, String, match",
    "1.0.0, String, match",
    "1.0, String, match",
    "1, String, match",
    "1, Integer, match",
    "1, Float, match",
    "1.2, Float, match",
    "2.0.0, String, no-match"
  })
  void semVerReadsPartialVersions(String version, String type, String expected) {
    assertThat(evaluate("semver-partial-version-flag", version(type, version))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "sem_ver numeric context: {1} {0} -> {2}")
  @CsvSource({
    "1.2, Float, match",
    "1.1, Float, no-match",
    "2, Integer, match",
    "1, Integer, no-match",
    "1.2, String, match"
  })
  void semVerReadsNumbersAsVersions(String version, String type, String expected) {
    assertThat(evaluate("semver-numeric-context-flag", version(type, version))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "sem_ver build metadata: {0} -> {1}")
  @CsvSource({"1.0.0, match", "1.0.0+other, match", "2.0.0, no-match"})
  void semVerIgnoresBuildMetadata(String version, String expected) {
    assertThat(evaluate("semver-build-metadata-flag", version("String", version)))
        .isEqualTo(expected);
  }

  /**
   * Also deliberate: besides naming the undefined variant 'fail', this flag compares with
   * "2.0.0.0", which is not a version; flagd lets that branch answer null at run time, we reject
   * the flag at load. SemVerTest runs the testbed's cases for it on the flag without that branch.
   */
  @org.junit.jupiter.api.Test
  void aSemVerFlagWithAnUndefinedVariantIsRejectedAtLoad() {
    assertThat(evaluate("equal-greater-lesser-version-flag", version("String", "2.0.0")))
        .contains("PARSE_ERROR", "equal-greater-lesser-version-flag");
  }

  /**
   * A deliberate difference: flagd accepts this flag although one branch of its targeting returns
   * 'fail', a variant it does not define. We reject such a flag when it loads, naming the variant,
   * rather than failing at run time for the users who reach that branch.
   */
  @org.junit.jupiter.api.Test
  void aTargetingBranchNamingAnUndefinedVariantIsRejectedAtLoad() {
    assertThat(evaluate("starts-ends-flag", new ImmutableContext(Map.of("id", new Value("abc")))))
        .contains("PARSE_ERROR", "starts-ends-flag", "'fail'");
  }
}
