package dev.llmrollout.benchmarks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.unleash.UnleashBackend;
import dev.llmrollout.unleash.UnleashRolloutControl;
import dev.llmrollout.unleash.UnleashSettings;
import dev.llmrollout.unleash.testing.UnleashServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The benchmark's split flag in a real Unleash server, created through the Admin API as a user in
 * the console would: a flexibleRollout strategy in the development environment whose variants carry
 * the model variants as JSON payloads (stable takes the rest, canary 10 %, safe 0 %).
 */
public final class UnleashRig {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FEATURES = "/admin/projects/default/features";
  private static final Duration SERVED_TIMEOUT = Duration.ofSeconds(30);

  private final UnleashServerProcess server;
  private final Duration fetchInterval;
  private final ScratchDirectory backupDirectory;
  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * @param fetchInterval how often the evaluating client polls (whole seconds)
   * @param backupDirectory where the clients keep their backup files
   */
  public UnleashRig(
      UnleashServerProcess server, Duration fetchInterval, ScratchDirectory backupDirectory) {
    this.server = server;
    this.fetchInterval = fetchInterval;
    this.backupDirectory = backupDirectory;
  }

  /** Creates the split flag, turns its environment on and waits until clients are served it. */
  public void publishSplitFlag() throws IOException, InterruptedException {
    String key = BenchFlags.SPLIT_FLAG;
    send("POST", FEATURES, JSON.createObjectNode().put("name", key).put("type", "experiment"));
    ObjectNode strategy =
        JSON.createObjectNode().put("name", "flexibleRollout").put("title", "benchmark");
    strategy.putArray("constraints");
    strategy
        .putObject("parameters")
        .put("rollout", "100")
        .put("stickiness", "default")
        .put("groupId", key);
    ArrayNode variants = strategy.putArray("variants");
    variant(variants, "stable", "variable", 0, BenchFlags.STABLE_JSON);
    variant(variants, "canary", "fix", 100, BenchFlags.CANARY_JSON);
    variant(
        variants,
        KillSwitchTrials.SAFE_VARIANT,
        "fix",
        0,
        BenchFlags.variantJson("bench-safe", "1.0.0", ""));
    send("POST", FEATURES + "/" + key + "/environments/development/strategies", strategy);
    send("POST", FEATURES + "/" + key + "/environments/development/on", null);
    awaitServedToClients(key);
  }

  /** Settings for one process: the evaluating application or the {@code llm-router} writer. */
  private UnleashSettings settings(String appName) {
    return UnleashSettings.builder(server.apiUrl())
        .clientToken(server.clientToken())
        .adminToken(server.adminToken())
        .appName(appName)
        .fetchInterval(fetchInterval)
        .backupFile(backupDirectory.resolve(appName + "-backup.json"))
        .sendMetrics(false)
        .build();
  }

  /** The application's backend: the real Unleash client polling at the fetch interval. */
  public UnleashBackend backend() {
    return new UnleashBackend(settings("benchmark-app"));
  }

  /**
   * The writer {@code llm-router kill} builds: Admin API writes verified by reading back and by
   * waiting until the client API serves the change.
   */
  public UnleashRolloutControl control() {
    return new UnleashRolloutControl(settings("benchmark-cli"), null);
  }

  private static void variant(
      ArrayNode variants, String name, String weightType, int weight, String payload) {
    ObjectNode variant =
        variants
            .addObject()
            .put("name", name)
            .put("weight", weight)
            .put("weightType", weightType)
            .put("stickiness", "default");
    variant.putObject("payload").put("type", "json").put("value", payload);
  }

  private void awaitServedToClients(String key) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + SERVED_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = call("GET", "/client/features", null, server.clientToken());
      for (JsonNode feature : JSON.readTree(response.body()).path("features")) {
        if (key.equals(feature.path("name").asText())
            && feature.path("enabled").asBoolean(false)
            && feature.path("strategies").path(0).path("variants").size() == 3) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "Unleash did not serve flag " + key + " to clients within " + SERVED_TIMEOUT);
  }

  private void send(String method, String path, JsonNode body)
      throws IOException, InterruptedException {
    HttpResponse<String> response = call(method, path, body, server.adminToken());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "Unleash Admin API " + method + " " + path + ": HTTP " + response.statusCode());
    }
  }

  private HttpResponse<String> call(String method, String path, JsonNode body, String token)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.apiUrl() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
