package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.guard.prometheus.PrometheusProcess;
import dev.llmrollout.router.testing.ModelEndpointServer;
import dev.llmrollout.router.testing.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * What the fleet ITs share: the flags and endpoints files of a stable and a canary model pool, the
 * processes' environment, a canary that can start refusing on cue, and HTTP helpers.
 */
final class FleetFixture {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String TOKEN = "fleet-admin-token-for-tests";
  static final String ALERTMANAGER_TOKEN = "fleet-alertmanager-token-for-tests";
  static final String API_KEY = "sk-fleet-endpoint-key";
  static final String HELPFUL =
      "Thanks for reaching out. Here is what I found about your question, step by step.";

  /** The environment of every gateway and controller process of these tests. */
  static final Map<String, String> ENV =
      Map.of(
          "MODEL_API_KEY",
          API_KEY,
          "LLM_ROUTER_ADMIN_TOKEN",
          TOKEN,
          "LLM_ROUTER_ALERTMANAGER_TOKEN",
          ALERTMANAGER_TOKEN);

  private FleetFixture() {}

  /** Skips the test, saying why, where the {@code prometheus} binary is missing. */
  static void assumePrometheusInstalled() {
    Assumptions.assumeTrue(
        PrometheusProcess.installed(),
        "prometheus is not on PATH: run .ci/prometheus.sh install (CI does) to run this test");
  }

  /** A canary pool that answers helpfully until {@link #regress()}, then refuses every request. */
  static final class RegressingCanary implements AutoCloseable {
    final ModelEndpointServer server = ModelEndpointServer.start("canary");
    private final AtomicBoolean regressed = new AtomicBoolean();
    private final AtomicLong firstRegressedNanos = new AtomicLong();

    RegressingCanary() {
      server.recording(false);
      server.respond(
          r -> {
            if (!regressed.get()) {
              return Reply.answer(HELPFUL);
            }
            firstRegressedNanos.compareAndSet(0, System.nanoTime());
            return Reply.answer("I can't help with that request.");
          });
    }

    /** Refuses from now on; {@link #secondsSinceFirstRefusal} counts from the first refusal. */
    void regress() {
      firstRegressedNanos.set(0);
      regressed.set(true);
    }

    void heal() {
      regressed.set(false);
    }

    /** Seconds from the first refused answer until now. */
    double secondsSinceFirstRefusal() {
      return (System.nanoTime() - firstRegressedNanos.get()) / 1e9;
    }

    @Override
    public void close() {
      server.close();
    }
  }

  static ModelEndpointServer helpfulStable() {
    ModelEndpointServer stable = ModelEndpointServer.start("stable");
    stable.recording(false);
    stable.respond(r -> Reply.answer(HELPFUL));
    return stable;
  }

  /**
   * Writes {@code flags.json} (each key a flag of stable and canary, all traffic on stable) and
   * {@code ep.json} (the two pools) into {@code dir}.
   */
  static void writeConfig(
      Path dir, ModelEndpointServer stable, ModelEndpointServer canary, String... flagKeys)
      throws Exception {
    writeFlags(dir, Map.of(), flagKeys);
    Files.writeString(
        dir.resolve("ep.json"),
        """
        {"endpoints": {
          "stable-pool": {"baseUrl": "%s", "apiKeyEnv": "MODEL_API_KEY", "timeoutMs": 10000},
          "canary-pool": {"baseUrl": "%s", "apiKeyEnv": "MODEL_API_KEY", "timeoutMs": 10000}}}
        """
            .formatted(stable.baseUrl(), canary.baseUrl()));
  }

  /**
   * Writes {@code flags.json} into {@code dir}: each key a flag of stable and canary, all traffic
   * on stable, with {@code metadata} (such as {@code rollout.*} plan keys) as its metadata.
   */
  static void writeFlags(Path dir, Map<String, String> metadata, String... flagKeys)
      throws Exception {
    String flags =
        Arrays.stream(flagKeys).map(k -> flag(k, metadata)).collect(Collectors.joining(",\n"));
    Files.writeString(dir.resolve("flags.json"), "{\"flags\": {" + flags + "}}\n");
  }

  private static String flag(String key, Map<String, String> metadata) {
    String meta =
        metadata.entrySet().stream()
            .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
            .collect(Collectors.joining(", "));
    return """
        "%s": {"state": "ENABLED",
          "variants": {
            "stable": {"model": "m-stable", "version": "1.1.0", "endpoint": "stable-pool"},
            "canary": {"model": "m-canary", "version": "1.2.0", "endpoint": "canary-pool"}},
          "defaultVariant": "stable",
          "targeting": {"fractional": [["stable", 100], ["canary", 0]]},
          "metadata": {%s}}
        """
        .formatted(key, meta);
  }

  /** {@code count} gateways ({@code llm-router serve}) on {@code dir}'s flags and endpoints. */
  static List<GatewayProcess> gateways(Path dir, int count, StartedResources running)
      throws Exception {
    GatewayProcess[] gateways = new GatewayProcess[count];
    for (int i = 0; i < count; i++) {
      gateways[i] =
          running.keep(
              new GatewayProcess(dir, ENV, "--flags", "flags.json", "--endpoints", "ep.json"));
    }
    return List.of(gateways);
  }

  /** A real Prometheus scraping {@code gateways} every second as job {@code llm-router}. */
  static PrometheusProcess prometheus(Path dir, List<GatewayProcess> gateways) throws Exception {
    return new PrometheusProcess(
        Files.createDirectories(dir.resolve("prometheus")), "llm-router", targets(gateways));
  }

  /** The same, its API asking for {@link PrometheusProcess#TEST_USER}'s password. */
  static PrometheusProcess prometheusWithBasicAuth(Path dir, List<GatewayProcess> gateways)
      throws Exception {
    return prometheusWithBasicAuth(dir, gateways, Duration.ofSeconds(1));
  }

  /** The same, scraping every {@code scrapeInterval}. */
  static PrometheusProcess prometheusWithBasicAuth(
      Path dir, List<GatewayProcess> gateways, Duration scrapeInterval) throws Exception {
    return PrometheusProcess.withBasicAuth(
        Files.createDirectories(dir.resolve("prometheus")),
        "llm-router",
        targets(gateways),
        PrometheusProcess.TEST_USER,
        scrapeInterval);
  }

  private static List<String> targets(List<GatewayProcess> gateways) {
    return gateways.stream().map(g -> g.uri("/").getAuthority()).toList();
  }

  static HttpResponse<String> send(URI uri) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(URI uri) throws Exception {
    return JSON.readTree(send(uri).body());
  }

  static HttpResponse<String> post(URI uri, String token, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The rollout of {@code flag} as the process at {@code process} reports it. */
  static JsonNode rollout(GatewayProcess process, String flag) throws Exception {
    return json(process.uri("/admin/flags/" + flag + "/rollout"));
  }
}
