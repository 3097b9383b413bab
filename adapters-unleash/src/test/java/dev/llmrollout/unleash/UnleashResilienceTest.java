package dev.llmrollout.unleash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.spi.Resolution;
import dev.llmrollout.unleash.testing.UnleashServerProcess;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Value;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 6, points 3 and 5: outages, restarts from the backup file, malformed edits. */
class UnleashResilienceTest {
  private static final String FLAG = "resilient-model";

  private UnleashServerProcess server;
  private UnleashHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    server = UnleashServer.shared();
    harness = new UnleashHarness(server);
    harness.publish(FlagSpec.canarySplit(FLAG, 30));
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  @Test
  void anOutageMidRunKeepsTheLastFlagsServingReportsStaleAndRecovers() throws Exception {
    RecordingListener events = new RecordingListener();
    try (UnleashBackend backend = new UnleashBackend(harness.settings())) {
      backend.start(events, Duration.ofSeconds(30));
      Map<String, String> before = assign(backend);

      server.stopApp();
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> events.saw("stale"));
        assertThat(backend.stale()).isTrue();
        assertThat(assign(backend)).isEqualTo(before);

        // A restart during the outage serves the flags from the client's backup file.
        assertThat(Files.size(harness.settings().backupFile())).isPositive();
        RecordingListener restartedEvents = new RecordingListener();
        try (UnleashBackend restarted = new UnleashBackend(harness.settings())) {
          restarted.start(restartedEvents, Duration.ofSeconds(5));
          assertThat(assign(restarted)).isEqualTo(before);
          assertThat(restartedEvents.saw("stale")).isTrue();
        }
      } finally {
        server.startApp();
      }

      await().atMost(Duration.ofSeconds(20)).until(() -> events.saw("ready"));
      assertThat(backend.stale()).isFalse();
      harness.publish(FlagSpec.canarySplit(FLAG, 100));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "canary".equals(backend.resolve(FLAG, ctx(7)).variant().name()));
    }
  }

  @Test
  void theProviderReportsStaleEvaluationsDuringAnOutage() throws Exception {
    LlmFeatureProvider provider =
        LlmFeatureProvider.builder(new UnleashBackend(harness.settings())).build();
    provider.initialize(new ImmutableContext());
    try {
      server.stopApp();
      try {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    "STALE"
                        .equals(
                            provider.getObjectEvaluation(FLAG, new Value(), ctx(1)).getReason()));
        ProviderEvaluation<Value> evaluation =
            provider.getObjectEvaluation(FLAG, new Value(), ctx(1));
        assertThat(evaluation.getErrorCode()).isNull();
        assertThat(evaluation.getValue().asStructure().getValue("model").asString())
            .startsWith("model-");
      } finally {
        server.startApp();
      }
    } finally {
      provider.shutdown();
    }
  }

  @Test
  void aMalformedPayloadEditedInThroughTheAdminApiIsRejectedAndTheLastGoodKeepsServing()
      throws Exception {
    RecordingListener events = new RecordingListener();
    try (UnleashBackend backend = new UnleashBackend(harness.settings())) {
      backend.start(events, Duration.ofSeconds(30));
      Map<String, String> before = assign(backend);

      harness.flags().editPayload(FLAG, "canary", "{\"temperature\":0.2}");

      await().atMost(Duration.ofSeconds(10)).until(() -> events.saw("error:PARSE_ERROR"));
      assertThat(events.errors)
          .anySatisfy(m -> assertThat(m).contains(FLAG, "canary", "last good"));
      assertThat(assign(backend)).isEqualTo(before);
      Resolution canary = backend.resolve(FLAG, ctx(firstKeyServed(before, "canary")));
      assertThat(canary.isError()).isFalse();
      assertThat(canary.variant().llm().orElseThrow().model()).contains("model-canary");
      // The backup holds the last good definition too, so a restart does not pick up the bad one.
      JsonNode backup = new ObjectMapper().readTree(harness.settings().backupFile().toFile());
      assertThat(backup.findValues("name").stream().map(JsonNode::asText)).contains(FLAG);
      for (JsonNode feature : backup.path("features")) {
        if (FLAG.equals(feature.path("name").asText())) {
          assertThat(feature.toString()).doesNotContain("temperature").contains("model-canary");
        }
      }

      harness.flags().editPayload(FLAG, "canary", "{\"model\":\"model-canary-2\"}");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  backend
                      .resolve(FLAG, ctx(firstKeyServed(before, "canary")))
                      .variant()
                      .llm()
                      .flatMap(v -> v.model())
                      .orElse("")
                      .equals("model-canary-2"));
    }
  }

  @Test
  void aFlagThatWasNeverValidIsAParseErrorNamingIt() throws Exception {
    harness.publishMalformed("never-valid");
    try (UnleashBackend backend = new UnleashBackend(harness.settings())) {
      backend.start(new RecordingListener(), Duration.ofSeconds(30));
      Resolution resolution = backend.resolve("never-valid", ctx(1));
      assertThat(resolution.errorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
      assertThat(resolution.errorMessage()).contains("never-valid", "broken");
    }
  }

  private static int firstKeyServed(Map<String, String> assigned, String variant) {
    return assigned.entrySet().stream()
        .filter(e -> e.getValue().equals(variant))
        .map(e -> Integer.parseInt(e.getKey().substring("user-".length())))
        .findFirst()
        .orElseThrow();
  }

  private static ImmutableContext ctx(int i) {
    return new ImmutableContext("user-" + i);
  }

  private static Map<String, String> assign(UnleashBackend backend) {
    Map<String, String> assigned = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      Resolution resolution = backend.resolve(FLAG, ctx(i));
      assertThat(resolution.isError()).as("%s", resolution.errorMessage()).isFalse();
      assigned.put("user-" + i, resolution.variant().name());
    }
    return assigned;
  }
}
