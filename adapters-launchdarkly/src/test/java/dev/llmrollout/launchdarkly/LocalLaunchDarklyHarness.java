package dev.llmrollout.launchdarkly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.contract.BackendHarness;
import dev.llmrollout.contract.Capabilities;
import dev.llmrollout.contract.Capability;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.launchdarkly.fake.FakeFlag;
import dev.llmrollout.launchdarkly.fake.LocalLaunchDarkly;
import dev.llmrollout.launchdarkly.internal.RolloutRecordProperty;
import dev.llmrollout.launchdarkly.internal.RolloutUnits;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
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
  public Capabilities capabilities() {
    return Capabilities.all()
        .without(
            Capability.LAST_KNOWN_GOOD_AT_START,
            "the adapter keeps the SDK's flags in memory only (no persistent data store such as"
                + " Redis), so a process started while LaunchDarkly is unreachable has no flags");
  }

  @Override
  public RecordLimit rolloutRecordLimit(String flagKey) {
    return new RecordLimit(
        "customProperties.llm-rollout." + ENVIRONMENT, RolloutRecordProperty.MAX_CHARS);
  }

  /** A dropped stream whose reconnections are answered 503, as during a LaunchDarkly outage. */
  @Override
  public void cutSource() {
    server.answerStreamRequestsWith(503);
    server.dropStreams();
  }

  @Override
  public void reconnectSource() {
    server.answerStreamRequestsWith(0);
  }

  @Override
  public LaunchDarklyBackend unreachableBackend() throws IOException {
    return LaunchDarklyBackend.builder(SDK_KEY)
        .endpoints(LaunchDarklyEndpoints.allAt(URI.create("http://127.0.0.1:" + closedPort())))
        .sendEvents(false)
        .reconnectDelay(Duration.ofMillis(100))
        .build();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public LaunchDarklyRolloutControl controlWithRejectedCredentials() {
    return controlBuilder("api-unknown-token-0001").build();
  }

  @Override
  public LaunchDarklyRolloutControl controlWithoutWriteRights() {
    return controlBuilder(READER_TOKEN).build();
  }

  @Override
  public String credentialVariable() {
    return LaunchDarklyBackendFactory.ACCESS_TOKEN_ENV;
  }

  @Override
  public FactoryLaunch factoryLaunch() {
    return new FactoryLaunch(
        "launchdarkly",
        Map.of("project", PROJECT, "environment", ENVIRONMENT, "base-uri", server.uri().toString()),
        Map.of(
            LaunchDarklyBackendFactory.SDK_KEY_ENV,
            SDK_KEY,
            LaunchDarklyBackendFactory.ACCESS_TOKEN_ENV,
            WRITER_TOKEN,
            "LD_SEND_EVENTS",
            "false"));
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
