package dev.llmrollout.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.spi.FractionalBucketing;
import dev.llmrollout.spi.Resolution;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 2, point 4: targeting operators and the reasons each kind of result reports. */
class TargetingTest {
  private static final String FLAGS =
      """
      {"flags": {
        "static": {"state": "ENABLED", "variants": {"a": {"model": "m-a"}, "b": {"model": "m-b"}},
                   "defaultVariant": "a"},
        "off": {"state": "DISABLED", "variants": {"a": {"model": "m-a"}}, "defaultVariant": "a"},
        "rules": {"state": "ENABLED", "variants": {"a": {"model": "m-a"}, "b": {"model": "m-b"}},
          "defaultVariant": "a",
          "targeting": {"if": [
            {"and": [{"in": [{"var": "region"}, ["eu-west", "eu-central"]]},
                     {"!=": [{"var": "tier"}, "free"]}]}, "b",
            {"or": [{"starts_with": [{"var": "email"}, "qa-"]},
                    {"ends_with": [{"var": "email"}, "@example.com"]}]}, "b",
            {"!": [{"var": "beta"}]}, null,
            "b"]}},
        "shared": {"state": "ENABLED", "variants": {"a": {"model": "m-a"}, "b": {"model": "m-b"}},
          "defaultVariant": "a", "targeting": {"$ref": "internal-users"}},
        "split-after-rule": {"state": "ENABLED", "variants": {"a": {"model": "m-a"}, "b": {"model": "m-b"}},
          "defaultVariant": "a",
          "targeting": {"if": [{"==": [{"var": "tier"}, "internal"]}, "b",
                               {"fractional": [["a", 50], ["b", 50]]}]}},
        "team-split": {"state": "ENABLED", "variants": {"a": {"model": "m-a"}, "b": {"model": "m-b"}},
          "defaultVariant": "a",
          "targeting": {"fractional": [{"var": "team"}, ["a", 50], ["b", 50]]}}
      },
      "$evaluators": {"internal-users": {"if": [{"==": [{"var": "tier"}, "internal"]}, "b", "a"]}}}
      """;

  @TempDir Path dir;
  private LocalFileBackend backend;

  @BeforeEach
  void start() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, FLAGS);
    backend = LocalFileBackend.watching(file);
    backend.start(new dev.llmrollout.spi.BackendListener() {}, Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    backend.close();
  }

  private Resolution resolve(String flag, Map<String, Object> attributes) {
    Map<String, Value> values = new java.util.HashMap<>();
    attributes.forEach(
        (k, v) -> values.put(k, v instanceof Boolean b ? new Value(b) : new Value(v.toString())));
    EvaluationContext context = new ImmutableContext("user-1", values);
    return backend.resolve(flag, context);
  }

  @Test
  void aFlagWithoutTargetingIsStatic() {
    Resolution r = resolve("static", Map.of());
    assertThat(r.variant().name()).isEqualTo("a");
    assertThat(r.reason()).isEqualTo(Reason.STATIC.name());
  }

  @Test
  void aDisabledFlagServesTheCallersDefault() {
    Resolution r = resolve("off", Map.of());
    assertThat(r.variant()).isNull();
    assertThat(r.reason()).isEqualTo(Reason.DISABLED.name());
    assertThat(r.errorCode()).isNull();
  }

  @Test
  void inAndNotEqualSelectARule() {
    assertThat(
            resolve("rules", Map.of("region", "eu-west", "tier", "pro", "beta", true))
                .variant()
                .name())
        .isEqualTo("b");
    assertThat(
            resolve("rules", Map.of("region", "eu-west", "tier", "free", "beta", true))
                .variant()
                .name())
        .isEqualTo("b");
    Resolution notInRegion =
        resolve("rules", Map.of("region", "us-east", "tier", "pro", "beta", true));
    assertThat(notInRegion.reason()).isEqualTo(Reason.TARGETING_MATCH.name());
  }

  @Test
  void orWithStartsWithAndEndsWith() {
    assertThat(resolve("rules", Map.of("email", "qa-1@corp.io", "beta", true)).variant().name())
        .isEqualTo("b");
    assertThat(resolve("rules", Map.of("email", "ann@example.com", "beta", true)).variant().name())
        .isEqualTo("b");
  }

  @Test
  void aNullResultServesTheDefaultVariantWithReasonDefault() {
    Resolution r = resolve("rules", Map.of("email", "ann@corp.io", "beta", false));
    assertThat(r.variant().name()).isEqualTo("a");
    assertThat(r.reason()).isEqualTo(Reason.DEFAULT.name());
  }

  @Test
  void evaluatorReferencesAreResolved() {
    assertThat(resolve("shared", Map.of("tier", "internal")).variant().name()).isEqualTo("b");
    assertThat(resolve("shared", Map.of("tier", "free")).variant().name()).isEqualTo("a");
  }

  @Test
  void aRuleMatchIsTargetingMatchAndASplitIsSplit() {
    assertThat(resolve("split-after-rule", Map.of("tier", "internal")).reason())
        .isEqualTo(Reason.TARGETING_MATCH.name());
    assertThat(resolve("split-after-rule", Map.of("tier", "free")).reason())
        .isEqualTo(Reason.SPLIT.name());
  }

  @Test
  void aSplitWithoutTargetingKeyServesTheDefaultVariantNeverARandomOne() {
    Resolution r =
        backend.resolve(
            "split-after-rule", new ImmutableContext(Map.of("tier", new Value("free"))));
    assertThat(r.variant().name()).isEqualTo("a");
    assertThat(r.errorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
  }

  /**
   * Issue 21: a bucketing expression that yields null (the attribute is missing) buckets like the
   * shorthand form, on flag key and targeting key, as flagd does; it was hashed as the text "null",
   * putting every such user in one bucket.
   */
  @Test
  void aNullBucketingValueBucketsOnFlagKeyAndTargetingKey() {
    String[] names = {"a", "b"};
    Set<String> served = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String user = "user-" + i;
      Resolution r = backend.resolve("team-split", new ImmutableContext(user));
      int expected = FractionalBucketing.pick("team-split" + user, new long[] {50, 50});
      assertThat(r.variant().name()).as(user).isEqualTo(names[expected]);
      assertThat(r.reason()).isEqualTo(Reason.SPLIT.name());
      served.add(r.variant().name());
    }
    assertThat(served).containsExactlyInAnyOrder("a", "b");
    Resolution byTeam =
        backend.resolve(
            "team-split", new ImmutableContext("user-1", Map.of("team", new Value("search"))));
    assertThat(byTeam.variant().name())
        .isEqualTo(names[FractionalBucketing.pick("search", new long[] {50, 50})]);
  }

  @Test
  void anUnknownFlagIsNotFound() {
    assertThat(resolve("nope", Map.of()).errorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
  }
}
