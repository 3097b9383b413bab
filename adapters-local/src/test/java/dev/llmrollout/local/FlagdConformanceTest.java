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
 * Splits bucket exactly as flagd does: the expected values are flagd's own published test cases
 * (flagd-testbed {@code gherkin/targeting.feature}, fractional v2 bucketing) over its flag file.
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
