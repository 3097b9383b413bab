package dev.llmrollout.benchmarks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.launchdarkly.LaunchDarklyBackend;
import dev.llmrollout.launchdarkly.LaunchDarklyEndpoints;
import dev.llmrollout.launchdarkly.LaunchDarklyRolloutControl;
import dev.llmrollout.launchdarkly.fake.FakeFlag;
import dev.llmrollout.launchdarkly.fake.LocalLaunchDarkly;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local LaunchDarkly the adapter's tests run (REST API with JSON and semantic patches,
 * streaming and events, from the adapters-launchdarkly test-jar) holding the benchmark's split
 * flag: stable and canary 90/10 by user key, and a safe variant. Writes go through {@link
 * LaunchDarklyRolloutControl} over REST, and the server streams each change to connected SDKs.
 */
public final class LaunchDarklyRestRig implements AutoCloseable {
  // Loopback placeholders the local server accepts; no real LaunchDarkly account is involved.
  private static final String SDK_KEY = "sdk-benchmark-local";
  private static final String WRITER_TOKEN = "api-benchmark-local-writer";
  private static final String READER_TOKEN = "api-benchmark-local-reader";
  private static final String PROJECT = "default";
  private static final String ENVIRONMENT = "production";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalLaunchDarkly server;

  private LaunchDarklyRestRig(LocalLaunchDarkly server) {
    this.server = server;
  }

  /** Starts the local LaunchDarkly with the split flag published. */
  public static LaunchDarklyRestRig start() throws Exception {
    LocalLaunchDarkly server =
        new LocalLaunchDarkly(SDK_KEY, WRITER_TOKEN, READER_TOKEN, PROJECT, ENVIRONMENT);
    Map<String, JsonNode> variations = new LinkedHashMap<>();
    variations.put("stable", json(BenchFlags.STABLE_JSON));
    variations.put("canary", json(BenchFlags.CANARY_JSON));
    variations.put(
        KillSwitchTrials.SAFE_VARIANT, json(BenchFlags.variantJson("bench-safe", "1.0.0", "")));
    server.publish(
        FakeFlag.rollout(
            BenchFlags.SPLIT_FLAG,
            variations,
            "stable",
            Map.of("stable", 90_000, "canary", 10_000)));
    return new LaunchDarklyRestRig(server);
  }

  /** What {@code llm-router kill} builds for LaunchDarkly: the REST writer. */
  public LaunchDarklyRolloutControl control() {
    return LaunchDarklyRolloutControl.builder(WRITER_TOKEN)
        .project(PROJECT)
        .environment(ENVIRONMENT)
        .apiBase(server.uri())
        .build();
  }

  /** A backend streaming from the local server, as an application runs it. */
  public LaunchDarklyBackend backend() {
    return LaunchDarklyBackend.builder(SDK_KEY)
        .endpoints(LaunchDarklyEndpoints.allAt(server.uri()))
        .sendEvents(false)
        .variationNames(control())
        .build();
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException("bench variant is not JSON", e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
