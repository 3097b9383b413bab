package dev.llmrollout.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.launchdarkly.fake.FakeFlag;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.Resolution;
import dev.openfeature.sdk.ImmutableContext;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 7, point 3: rollouts served from the local LaunchDarkly's flag JSON are bucketed by the
 * real SDK exactly as LaunchDarkly publishes (sdk-test-harness {@code helpers_test.go} vectors, and
 * the documented SHA-1 formula for many keys).
 */
class BucketingVectorTest {
  private LocalLaunchDarklyHarness harness;
  private LaunchDarklyBackend backend;

  @BeforeEach
  void open() throws Exception {
    harness = new LocalLaunchDarklyHarness();
  }

  @AfterEach
  void close() throws Exception {
    if (backend != null) {
      backend.close();
    }
    harness.close();
  }

  /**
   * A rollout whose middle variation is a 1/100000 sliver starting at the published bucket: only a
   * bucket computed to five decimals lands in it.
   */
  @ParameterizedTest(name = "{0}/{1}/{2} seed {3} -> bucket {4}")
  @CsvSource({
    "hashKey, saltyA, userKeyA, , 42157",
    "hashKey, saltyA, userKeyB, , 67084",
    "hashKey, saltyA, userKeyC, , 10343",
    "hashKey, saltyA, userKeyA, 61, 9801"
  })
  void publishedVectorLandsInItsOneHundredThousandthSliver(
      String flagKey, String salt, String contextKey, Integer seed, int bucket) {
    publishSliverFlag(flagKey, salt, seed, bucket);
    backend = harness.newBackend();
    backend.start(new BackendListener() {}, Duration.ofSeconds(5));

    Resolution resolution = backend.resolve(flagKey, new ImmutableContext(contextKey));

    assertThat(resolution.variant().name()).isEqualTo("sliver");
    assertThat(resolution.reason()).isEqualTo("SPLIT");
  }

  @Test
  void halfSplitMatchesTheDocumentedSha1FormulaForThousandsOfKeys() throws Exception {
    Map<String, JsonNode> variants = variants("stable", "canary");
    FakeFlag flag =
        harness.server.publish(
            FakeFlag.rollout(
                "ramp", variants, "stable", Map.of("stable", 50_000, "canary", 50_000)));
    String salt = flag.targeting().path("salt").asText();
    backend = harness.newBackend();
    backend.start(new BackendListener() {}, Duration.ofSeconds(5));

    for (int i = 0; i < 5_000; i++) {
      String key = "session-" + i;
      String expected = bucket("ramp." + salt + "." + key) < 0.5 ? "stable" : "canary";
      assertThat(backend.resolve("ramp", new ImmutableContext(key)).variant().name())
          .as("key %s", key)
          .isEqualTo(expected);
    }
  }

  /** LaunchDarkly's bucket: the first 15 hex digits of SHA-1, over 0xFFFFFFFFFFFFFFF. */
  private static double bucket(String hashInput) throws Exception {
    byte[] sha1 =
        MessageDigest.getInstance("SHA-1").digest(hashInput.getBytes(StandardCharsets.UTF_8));
    String hex = HexFormat.of().formatHex(sha1).substring(0, 15);
    return new BigInteger(hex, 16).doubleValue() / 0xFFFFFFFFFFFFFFFL;
  }

  private void publishSliverFlag(String flagKey, String salt, Integer seed, int bucket) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    weights.put("below", bucket);
    weights.put("sliver", 1);
    weights.put("above", 100_000 - bucket - 1);
    FakeFlag flag =
        FakeFlag.rollout(flagKey, variants("below", "sliver", "above"), "below", weights);
    ObjectNode targeting = flag.targeting();
    targeting.put("salt", salt);
    if (seed != null) {
      ((ObjectNode) targeting.path("fallthrough").path("rollout")).put("seed", seed);
    }
    harness.server.publish(flag.withTargeting(targeting));
  }

  private static Map<String, JsonNode> variants(String... names) {
    Map<String, JsonNode> variants = new LinkedHashMap<>();
    for (String name : names) {
      variants.put(name, FlagSpec.payload("model-" + name, "1.0.0", name + "-pool"));
    }
    return variants;
  }
}
