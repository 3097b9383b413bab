package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.router.testing.ModelEndpointServer;
import dev.llmrollout.router.testing.Reply;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 4, point 1: every gateway endpoint, through the real jar, against loopback models. */
class GatewayIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "admin-token-for-tests";
  private static final String API_KEY = "sk-endpoint-secret-never-logged";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static TwoModelPools models;
  private static ModelEndpointServer stable;
  private static GatewayProcess gateway;

  @BeforeAll
  static void startGateway() throws Exception {
    models = new TwoModelPools();
    stable = models.stable;
    writeFiles(dir, 50);
    gateway =
        serve(
            dir,
            Map.of("LLM_ROUTER_ADMIN_TOKEN", TOKEN, "MODEL_API_KEY", API_KEY),
            "--default-flag",
            "support-model");
  }

  /** {@code serve} on the files {@link #writeFiles} wrote to {@code dir}, then {@code extra}. */
  private static GatewayProcess serve(Path dir, Map<String, String> env, String... extra)
      throws Exception {
    return new GatewayProcess(
        dir,
        env,
        JarRunner.join(
            new String[] {"--flags", "flags.json", "--endpoints", "endpoints.json"}, extra));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    models.close();
  }

  static void writeFiles(Path dir, int canaryPercent) throws Exception {
    Files.writeString(
        dir.resolve("flags.json"),
        """
        {"flags": {"support-model": {"state": "ENABLED",
          "variants": {"stable": {"model": "m-stable", "version": "1.1.0", "endpoint": "stable-pool"},
                       "canary": {"model": "m-canary", "version": "1.2.0", "endpoint": "canary-pool"}},
          "defaultVariant": "stable",
          "targeting": {"fractional": [["stable", %d], ["canary", %d]]}}}}
        """
            .formatted(100 - canaryPercent, canaryPercent));
    models.writeEndpoints(dir, "MODEL_API_KEY", 10_000);
  }

  private static HttpResponse<String> post(String path, String body, Map<String, String> headers)
      throws Exception {
    return gateway.post(path, body, headers);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return gateway.get(path);
  }

  private static String chat(boolean stream) {
    return "{\"model\": \"ignored\", \"stream\": "
        + stream
        + ", \"messages\": [{\"role\": \"user\", \"content\": \"hello\"}], \"metadata\": {\"intent\": \"billing\"}}";
  }

  @Test
  void chatCompletionsAreRoutedAndTagged() throws Exception {
    for (int i = 0; i < 40; i++) {
      HttpResponse<String> response =
          post("/v1/chat/completions", chat(false), Map.of("X-Session-Id", "s-" + i));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      String variant = response.headers().firstValue("X-Variant").orElseThrow();
      assertThat(response.headers().firstValue("X-Flag-Key")).contains("support-model");
      assertThat(response.headers().firstValue("X-Model-Version"))
          .contains(variant.equals("stable") ? "1.1.0" : "1.2.0");
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.at("/choices/0/message/content").asText())
          .isEqualTo(variant + " says hi to m-" + variant);
      assertThat(body.get("object").asText()).isEqualTo("chat.completion");
      HttpResponse<String> again =
          post("/v1/chat/completions", chat(false), Map.of("X-Session-Id", "s-" + i));
      assertThat(again.headers().firstValue("X-Variant")).contains(variant);
    }
  }

  @Test
  void streamingPassesEventsThroughWithTagsInTheHeaders() throws Exception {
    HttpResponse<String> response =
        post("/v1/chat/completions", chat(true), Map.of("X-User-Id", "user-streaming"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/event-stream");
    assertThat(response.headers().firstValue("X-Variant")).isPresent();
    assertThat(response.headers().firstValue("X-Model-Version")).isPresent();
    assertThat(response.body()).contains("data: {").endsWith("data: [DONE]\n\n");
  }

  @Test
  void aRequestWithoutRoutingKeyGetsTheDefaultVariant() throws Exception {
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> response = post("/v1/chat/completions", chat(false), Map.of());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-Variant")).contains("stable");
    }
    assertThat(get("/metrics").body()).contains("targeting_key_missing");
  }

  @Test
  void feedbackIsCountedAgainstTheServedVariant() throws Exception {
    HttpResponse<String> served =
        post("/v1/chat/completions", chat(false), Map.of("X-Session-Id", "feedback-session"));
    String variant = served.headers().firstValue("X-Variant").orElseThrow();
    HttpResponse<String> feedback =
        post(
            "/v1/feedback",
            "{\"session\": \"feedback-session\", \"flag\": \"support-model\", \"event\": \"thumbs_down\", \"value\": 1}",
            Map.of());
    assertThat(feedback.statusCode()).isEqualTo(202);

    JsonNode state = JSON.readTree(get("/admin/flags/support-model").body());
    assertThat(state.at("/variants/" + variant + "/feedback/thumbs_down").asLong()).isPositive();
    assertThat(state.at("/variants/" + variant + "/requests").asLong()).isPositive();
    assertThat(state.at("/variants/" + variant).has("p99Ms")).isTrue();
    assertThat(state.at("/weights/canary").asDouble()).isEqualTo(50.0);
  }

  @Test
  void adminWritesNeedTheTokenAndAnswerWithTheStateReadBack() throws Exception {
    HttpResponse<String> noToken =
        post(
            "/admin/flags/support-model/kill",
            "{\"variant\": \"stable\", \"reason\": \"x\"}",
            Map.of());
    assertThat(noToken.statusCode()).isEqualTo(401);
    HttpResponse<String> wrong =
        post(
            "/admin/flags/support-model/kill",
            "{\"variant\": \"stable\", \"reason\": \"x\"}",
            Map.of("Authorization", "Bearer wrong"));
    assertThat(wrong.statusCode()).isEqualTo(401);

    Map<String, String> auth = Map.of("Authorization", "Bearer " + TOKEN);
    HttpResponse<String> kill =
        post(
            "/admin/flags/support-model/kill",
            "{\"variant\": \"stable\", \"reason\": \"refusals\"}",
            auth);
    assertThat(kill.statusCode()).as(kill.body()).isEqualTo(200);
    assertThat(JSON.readTree(kill.body()).get("killedTo").asText()).isEqualTo("stable");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(
            () ->
                post("/v1/chat/completions", chat(false), Map.of("X-Session-Id", "s-3"))
                    .headers()
                    .firstValue("X-Variant")
                    .orElse("")
                    .equals("stable"));

    HttpResponse<String> restore =
        post("/admin/flags/support-model/restore", "{\"reason\": \"fixed\"}", auth);
    assertThat(restore.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(restore.body()).get("killedTo").isNull()).isTrue();

    HttpResponse<String> weights =
        post(
            "/admin/flags/support-model/weights",
            "{\"weights\": {\"stable\": 50, \"canary\": 50}, \"reason\": \"back to 50\"}",
            auth);
    assertThat(weights.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(weights.body()).at("/weights/canary").asDouble()).isEqualTo(50.0);

    HttpResponse<String> bad =
        post(
            "/admin/flags/support-model/weights",
            "{\"weights\": {\"stable\": 90}, \"reason\": \"x\"}",
            auth);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("sum to 90");
  }

  @Test
  void metricsHealthAndReadiness() throws Exception {
    post("/v1/chat/completions", chat(false), Map.of("X-Session-Id", "metrics"));
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("gen_ai_client_operation_duration", "feature_flag_result_variant");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void warmUpReachesNoRealEndpointAndSaysHowLongItTook(@TempDir Path other) throws Exception {
    writeFiles(other, 50);
    int stableBefore = stable.received().size();
    int canaryBefore = models.canary.received().size();
    try (GatewayProcess warmed = serve(other, Map.of("MODEL_API_KEY", API_KEY))) {
      assertThat(warmed.output())
          .containsPattern(
              "listening on http://\\S+ \\(request path warmed up by "
                  + GatewayProcess.IT_WARM_UP_REQUESTS
                  + " requests in [\\d,]+ ms\\)")
          .doesNotContain("WARN", "ERROR", "warm-up-model");
      assertThat(warmed.get("/readyz").statusCode()).isEqualTo(200);
    }
    assertThat(stable.received()).hasSize(stableBefore);
    assertThat(models.canary.received()).hasSize(canaryBefore);
  }

  @Test
  void theEndpointKeyNeverAppearsInTheGatewaysOutput() throws Exception {
    post("/v1/chat/completions", chat(false), Map.of("X-Session-Id", "secret-check"));
    assertThat(stable.received().stream().map(ModelEndpointServer.Received::authorization))
        .contains("Bearer " + API_KEY);
    assertThat(gateway.output()).doesNotContain(API_KEY);
  }

  @Test
  void adminWritesAreRefusedWhenNoTokenIsConfigured(@TempDir Path other) throws Exception {
    writeFiles(other, 5);
    try (GatewayProcess noToken = serve(other, Map.of("MODEL_API_KEY", API_KEY))) {
      for (String[] write :
          new String[][] {
            {"kill", "{\"variant\": \"stable\"}"}, {"rollout", "{\"canary\": \"canary\"}"}
          }) {
        HttpResponse<String> refused =
            noToken.post(
                "/admin/flags/support-model/" + write[0],
                write[1],
                "Authorization",
                "Bearer anything");
        assertThat(refused.statusCode()).as(write[0]).isEqualTo(403);
        assertThat(refused.body()).contains("LLM_ROUTER_ADMIN_TOKEN");
      }
    }
  }

  @Test
  void shutdownLetsInFlightRequestsFinishAndRefusesNewOnes(@TempDir Path other) throws Exception {
    writeFiles(other, 0);
    GatewayProcess draining =
        serve(other, Map.of("MODEL_API_KEY", API_KEY), "--default-flag", "support-model");
    stable.enqueue(Reply.answer("slow but complete").delayed(1500));
    int received = stable.received().size();
    CompletableFuture<HttpResponse<String>> inFlight =
        HTTP.sendAsync(
            HttpRequest.newBuilder(draining.uri("/v1/chat/completions"))
                .header("X-Session-Id", "slow")
                .POST(HttpRequest.BodyPublishers.ofString(chat(false)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // Terminate once the gateway is holding the request (it has reached the model endpoint), not
    // after a fixed sleep that a loaded machine can outrun.
    org.awaitility.Awaitility.await().until(() -> stable.received().size() > received);
    draining.terminate();

    HttpResponse<String> finished = inFlight.get();
    assertThat(finished.statusCode()).isEqualTo(200);
    assertThat(finished.body()).contains("slow but complete");
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    HTTP.send(
                        HttpRequest.newBuilder(draining.uri("/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString())))
        .isInstanceOf(java.io.IOException.class);
  }
}
