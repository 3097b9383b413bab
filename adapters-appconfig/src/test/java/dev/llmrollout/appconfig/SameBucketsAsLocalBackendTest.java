package dev.llmrollout.appconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import dev.openfeature.sdk.ImmutableContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, point 1: per-user splits use the same bucketing as the local backend, so a flag moved
 * between the local file and AppConfig keeps every user on their variant. Compared user by user
 * against the real local backend reading the same flags.
 */
class SameBucketsAsLocalBackendTest {
  private static final int USERS = 20_000;

  @TempDir Path dir;

  @Test
  void aFlagdProfileAssignsEveryUserAsTheLocalFileDoes() throws Exception {
    List<FlagSpec> flags =
        List.of(
            FlagSpec.canarySplit("support-model", 5),
            threeWay("summary-model", 50, 30, 20),
            FlagSpec.canarySplit("router-prompt", 50));
    assertSameAssignments(flags, flags, DocumentFormat.FLAGD);
  }

  @Test
  void fractionalPercentagesInAFeatureFlagsProfileBucketAsTheirWholeNumberScale() throws Exception {
    FlagSpec percent = FlagSpec.canarySplit("support-model", 0).withWeights(weights(97.5, 2.5));
    FlagSpec scaled = FlagSpec.canarySplit("support-model", 0).withWeights(weights(975, 25));
    assertSameAssignments(List.of(percent), List.of(scaled), DocumentFormat.FEATURE_FLAGS);
  }

  private void assertSameAssignments(
      List<FlagSpec> inAppConfig, List<FlagSpec> inLocalFile, DocumentFormat format)
      throws Exception {
    Path file = dir.resolve("flags.json");
    Files.write(file, FlagDocuments.render(DocumentFormat.FLAGD, inLocalFile));
    try (AppConfigHarness harness = new AppConfigHarness(format);
        FlagBackend local = LocalFileBackend.watching(file);
        FlagBackend appConfig = harness.newBackend()) {
      for (FlagSpec flag : inAppConfig) {
        harness.flagsForConsole(flag);
      }
      harness.deploy("the same flags as the local file");
      local.start(new BackendListener() {}, Duration.ofSeconds(5));
      appConfig.start(new BackendListener() {}, Duration.ofSeconds(5));

      Map<String, Integer> counts = new LinkedHashMap<>();
      for (FlagSpec flag : inAppConfig) {
        for (int i = 0; i < USERS; i++) {
          ImmutableContext user = new ImmutableContext("session-" + i);
          String expected = local.resolve(flag.key(), user).variant().name();
          assertThat(appConfig.resolve(flag.key(), user).variant().name())
              .as("%s for session-%d", flag.key(), i)
              .isEqualTo(expected);
          counts.merge(flag.key() + "/" + expected, 1, Integer::sum);
        }
      }
      // Every variant with weight was actually served, so the comparison covered each bucket.
      assertThat(counts.keySet())
          .hasSize(
              inAppConfig.stream()
                  .mapToInt(f -> (int) f.weights().values().stream().filter(w -> w > 0).count())
                  .sum());
    }
  }

  private static FlagSpec threeWay(String key, double a, double b, double c) {
    FlagSpec base = FlagSpec.canarySplit(key, 0);
    Map<String, JsonNode> variants = new LinkedHashMap<>(base.variants());
    variants.put("challenger", FlagSpec.payload("model-challenger", "2.0.0", "canary-pool"));
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put("stable", a);
    weights.put("canary", b);
    weights.put("challenger", c);
    return new FlagSpec(key, variants, "stable", weights);
  }

  private static Map<String, Double> weights(double stable, double canary) {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put("stable", stable);
    weights.put("canary", canary);
    return weights;
  }
}
