package dev.llmrollout.launchdarkly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.contract.BackendHarness;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.launchdarkly.fake.FakeFlag;
import dev.llmrollout.launchdarkly.fake.LocalLaunchDarkly;
import dev.llmrollout.launchdarkly.internal.RolloutUnits;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The contract kit's view of a local LaunchDarkly, read by the real SDK and written over REST. */
final class LocalLaunchDarklyHarness implements BackendHarness {
  static final String SDK_KEY = "sdk-test-key-0001";
  static final String WRITER_TOKEN = "api-writer-token-0001";
  static final String READER_TOKEN = "api-reader-token-0001";
  static final String PROJECT = "default";
  static final String ENVIRONMENT = "production";
  private static final ObjectMapper JSON = new ObjectMapper();

  final LocalLaunchDarkly server;

  LocalLaunchDarklyHarness() throws Exception {
    server = new LocalLaunchDarkly(SDK_KEY, WRITER_TOKEN, READER_TOKEN, PROJECT, ENVIRONMENT);
  }

  @Override
  public void publish(FlagSpec spec) {
    Map<String, Integer> units = RolloutUnits.of(spec.weights());
    Optional<FakeFlag> existing = server.flag(spec.key());
    if (existing.isPresent()) {
      FakeFlag flag = existing.get();
      for (Map.Entry<String, JsonNode> v : spec.variants().entrySet()) {
        flag = flag.withValue(v.getKey(), v.getValue());
      }
      ObjectNode targeting = flag.targeting();
      targeting.set("fallthrough", flag.rolloutOf(units, "user", "key"));
      server.publish(flag.withTargeting(targeting));
      return;
    }
    server.publish(FakeFlag.rollout(spec.key(), spec.variants(), spec.defaultVariant(), units));
  }

  @Override
  public void publishMalformed(String flagKey) {
    Map<String, JsonNode> variants = new LinkedHashMap<>();
    variants.put("good", FlagSpec.payload("model-good", "1.0.0", "stable-pool"));
    variants.put("bad", JSON.createObjectNode().put("note", "neither a model nor a prompt"));
    server.publish(
        FakeFlag.rollout(flagKey, variants, "good", Map.of("good", 50_000, "bad", 50_000)));
  }

  @Override
  public LaunchDarklyBackend newBackend() {
    return backendBuilder().build();
  }

  LaunchDarklyBackend.Builder backendBuilder() {
    return LaunchDarklyBackend.builder(SDK_KEY)
        .endpoints(LaunchDarklyEndpoints.allAt(server.uri()))
        .sendEvents(false)
        .reconnectDelay(Duration.ofMillis(100))
        .variationNames(rolloutControl());
  }

  @Override
  public LaunchDarklyRolloutControl rolloutControl() {
    return controlBuilder(WRITER_TOKEN).build();
  }

  LaunchDarklyRolloutControl.Builder controlBuilder(String token) {
    return LaunchDarklyRolloutControl.builder(token)
        .project(PROJECT)
        .environment(ENVIRONMENT)
        .apiBase(server.uri())
        .backoff(Duration.ofMillis(20));
  }

  @Override
  public Duration propagationTimeout() {
    return Duration.ofSeconds(5);
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
