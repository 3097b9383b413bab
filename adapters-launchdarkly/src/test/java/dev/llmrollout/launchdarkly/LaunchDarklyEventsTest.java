package dev.llmrollout.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, point 1: {@code track()} can forward to LaunchDarkly's {@code trackMetric}, and events
 * to LaunchDarkly can be switched off entirely.
 */
class LaunchDarklyEventsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private LocalLaunchDarklyHarness harness;

  @BeforeEach
  void open() throws Exception {
    harness = new LocalLaunchDarklyHarness();
    harness.publish(FlagSpec.canarySplit("support-model", 50));
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void trackedFeedbackReachesLaunchDarklyAsACustomMetricEvent() throws Exception {
    run(true);
    List<JsonNode> custom = customEvents();
    assertThat(custom).hasSize(1);
    JsonNode event = custom.get(0);
    assertThat(event.path("key").asText()).isEqualTo("thumbs_up");
    assertThat(event.path("metricValue").asDouble()).isEqualTo(1.0);
    assertThat(event.path("data").path("flag").asText()).isEqualTo("support-model");
    assertThat(event.path("data").path("variant").asText()).isIn("stable", "canary");
  }

  @Test
  void withEventsDisabledNothingIsSentToLaunchDarkly() throws Exception {
    run(false);
    assertThat(harness.server.events()).isEmpty();
  }

  private void run(boolean sendEvents) {
    LaunchDarklyBackend backend = harness.backendBuilder().sendEvents(sendEvents).build();
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    api.setProviderAndWait(
        LlmFeatureProvider.builder(backend).feedbackSink(backend.feedbackSink()).build());
    Client client = api.getClient();
    ImmutableContext user = new ImmutableContext("user-7");
    client.getObjectValue("support-model", new Value("default"), user);
    client.track("thumbs_up", user, new MutableTrackingEventDetails(1.0));
    api.shutdown();
  }

  private List<JsonNode> customEvents() throws Exception {
    List<JsonNode> custom = new ArrayList<>();
    for (String body : harness.server.events()) {
      JsonNode payload = JSON.readTree(body);
      if (payload.isArray()) {
        payload.forEach(
            e -> {
              if ("custom".equals(e.path("kind").asText())) {
                custom.add(e);
              }
            });
      }
    }
    return custom;
  }
}
