package dev.llmrollout.router.cli;

import static dev.llmrollout.router.cli.FleetFixture.ENV;
import static dev.llmrollout.router.cli.FleetFixture.HELPFUL;
import static dev.llmrollout.router.cli.FleetFixture.JSON;
import static dev.llmrollout.router.cli.FleetFixture.TOKEN;
import static dev.llmrollout.router.cli.FleetFixture.json;
import static dev.llmrollout.router.cli.FleetFixture.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.guard.prometheus.PrometheusProcess;
import dev.llmrollout.router.testing.ModelEndpointServer;
import dev.llmrollout.router.testing.Reply;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, fleet side: two {@code llm-router serve} gateways shadow every request of a major
 * version's candidate, a real Prometheus (basic auth) scrapes their shadow pair counters every
 * second, and the controller ({@code llm-router guard}) decides each rollout's SHADOW state on the
 * pairs Prometheus adds up, with the start request's shadow rules. A refusing candidate is aborted
 * from SHADOW with no user ever served it; a good one enters its first canary step on evidence,
 * after Prometheus stopped during its shadow held it (with the reason) and came back. Needs the
 * {@code prometheus} binary ({@code .ci/prometheus.sh install}); skipped with a message without it.
 */
class FleetShadowIT {
  private static final String REFUSING = "shadow-refusing";
  private static final String GOOD = "shadow-good";
  private static final int GATEWAYS = 2;
  private static final Pattern PAIRS_AT_PASS = Pattern.compile("\\((\\d+) pairs, ");
  private static final Pattern PAIRS_AT_BREAK = Pattern.compile("n=(\\d+)\\)");

  @TempDir Path dir;
  @RegisterExtension final StartedResources running = new StartedResources();

  @Test
  @DisplayName("issue 19 (fleet): the controller aborts a refusing shadow, promotes a good one")
  void theControllerDecidesShadowPhasesOnTheFleetsPairs() throws Exception {
    FleetFixture.assumePrometheusInstalled();
    ModelEndpointServer stable = running.keep(FleetFixture.helpfulStable());
    ModelEndpointServer refusing = running.keep(candidate("refusing", "I can't help with that."));
    ModelEndpointServer good = running.keep(candidate("good", HELPFUL));
    writeConfig(stable, refusing, good);
    List<GatewayProcess> gateways = FleetFixture.gateways(dir, GATEWAYS, running);
    PrometheusProcess prometheus =
        running.keep(FleetFixture.prometheusWithBasicAuth(dir, gateways));
    Map<String, String> controllerEnv = new HashMap<>(ENV);
    controllerEnv.put("FLEET_PROMETHEUS_PASSWORD", PrometheusProcess.TEST_USER.password());
    GatewayProcess controller =
        running.keep(
            GatewayProcess.controller(
                dir,
                controllerEnv,
                "--flags",
                "flags.json",
                "--prometheus",
                prometheus.uri().toString(),
                "--prometheus-user",
                PrometheusProcess.TEST_USER.name(),
                "--prometheus-password-env",
                "FLEET_PROMETHEUS_PASSWORD",
                "--min-targets",
                String.valueOf(GATEWAYS),
                "--stale-after",
                "PT5S",
                "--guard-check-interval",
                "PT0.5S",
                "--rollout-audit",
                "controller-audit.jsonl"));
    // Every request shadowed on both flags, paced: pairs recorded before a rollout starts never
    // count for it.
    FleetTraffic refusingTraffic =
        running.keep(new FleetTraffic(gateways, REFUSING, Duration.ofMillis(10)));
    FleetTraffic goodTraffic =
        running.keep(new FleetTraffic(gateways, GOOD, Duration.ofMillis(10)));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> json(controller.uri("/healthz")).at("/prometheus/complete").asBoolean());

    long refusingStart = System.nanoTime();
    start(controller, REFUSING);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> lastCheck(controller, REFUSING), r -> r.startsWith("ROLLED_BACK"));
    double refusingSeconds = (System.nanoTime() - refusingStart) / 1e9;
    JsonNode aborted = rollout(controller, REFUSING);
    String abortReason = shadowDecision(REFUSING);
    assertThat(abortReason).contains("shadow rule broken, no user exposed");
    assertThat(aborted.path("transitions")).hasSize(1);
    assertThat(aborted.at("/transitions/0/text").asText()).isEqualTo("SHADOW -> ROLLED_BACK");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rollout(controller, REFUSING).path("rollbackVerified").asBoolean());
    assertThat(refusingTraffic.served("stable")).isPositive();
    assertThat(refusingTraffic.served("canary"))
        .as("no user served the refusing candidate")
        .isZero();
    assertThat(decisionLines(controller, REFUSING))
        .as("the controller never wrote a canary share for the refusing candidate")
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).containsPattern(" canaryWeight=0\\.0(\\s|$)"));

    long goodStart = System.nanoTime();
    start(controller, GOOD);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> lastReason(controller, GOOD).startsWith("shadow waiting"));
    // Prometheus stopped during the shadow: held with the reason, never decided blind.
    prometheus.stop();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> lastReason(controller, GOOD).contains("signals unavailable"));
    JsonNode held = rollout(controller, GOOD);
    assertThat(held.path("state").asText()).isEqualTo("SHADOW");
    assertThat(held.path("holdReason").asText()).isEqualTo("signals_unavailable");
    assertThat(held.path("transitions")).as("no decision while blind").isEmpty();
    prometheus.start();
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> lastCheck(controller, GOOD), r -> r.startsWith("CANARY"));
    double goodSeconds = (System.nanoTime() - goodStart) / 1e9;
    JsonNode promoted = rollout(controller, GOOD);
    assertThat(promoted.path("step").asInt()).isEqualTo(1);
    assertThat(promoted.at("/transitions/0/text").asText()).isEqualTo("SHADOW -> CANARY step 1");
    String passReason = shadowDecision(GOOD);
    assertThat(passReason).contains("shadow gate passed on evidence");
    await()
        .atMost(Duration.ofSeconds(30))
        .alias("users now see the good candidate (its first step is 50 %)")
        .until(() -> goodTraffic.served("canary") > 0);

    System.out.printf(
        "FleetShadowIT: refusing candidate aborted from SHADOW after %s pairs, %.1f s after the"
            + " start; good candidate promoted after %s pairs, %.1f s after the start (20 s"
            + " minimum, Prometheus stopped for part of it; %d gateways, 1 s scrapes, 0.5 s"
            + " checks)%n",
        first(PAIRS_AT_BREAK, abortReason),
        refusingSeconds,
        first(PAIRS_AT_PASS, passReason),
        goodSeconds,
        GATEWAYS);
    controller
        .output()
        .lines()
        .filter(l -> l.contains("event=guard."))
        .forEach(l -> System.out.println("FleetShadowIT controller log: " + l));
    assertThat(controller.output())
        .as("the Prometheus password is in no log line")
        .doesNotContain(PrometheusProcess.TEST_USER.password());
  }

  private static ModelEndpointServer candidate(String name, String answer) {
    ModelEndpointServer server = ModelEndpointServer.start(name);
    server.recording(false);
    server.respond(r -> Reply.answer(answer));
    return server;
  }

  /**
   * Two flags whose stable (1.1.0) shadows every request to its canary (2.0.0, a major version, so
   * a rollout must pass a shadow phase), on the refusing and the good candidate's pool.
   */
  private void writeConfig(
      ModelEndpointServer stable, ModelEndpointServer refusing, ModelEndpointServer good)
      throws Exception {
    Files.writeString(
        dir.resolve("flags.json"),
        "{\"flags\": {"
            + flag(REFUSING, "refusing-pool")
            + ",\n"
            + flag(GOOD, "good-pool")
            + "}}\n");
    Files.writeString(
        dir.resolve("ep.json"),
        """
        {"endpoints": {
          "stable-pool": {"baseUrl": "%s", "apiKeyEnv": "MODEL_API_KEY", "timeoutMs": 10000},
          "refusing-pool": {"baseUrl": "%s", "apiKeyEnv": "MODEL_API_KEY", "timeoutMs": 10000},
          "good-pool": {"baseUrl": "%s", "apiKeyEnv": "MODEL_API_KEY", "timeoutMs": 10000}}}
        """
            .formatted(stable.baseUrl(), refusing.baseUrl(), good.baseUrl()));
  }

  private static String flag(String key, String candidatePool) {
    return """
        "%s": {"state": "ENABLED",
          "variants": {
            "stable": {"model": "m-stable", "version": "1.1.0", "endpoint": "stable-pool",
              "shadow": {"variant": "canary", "sampleRate": 1.0}},
            "canary": {"model": "m-next", "version": "2.0.0", "endpoint": "%s"}},
          "defaultVariant": "stable",
          "targeting": {"fractional": [["stable", 100], ["canary", 0]]}}
        """
        .formatted(key, candidatePool);
  }

  /**
   * Starts a rollout of {@code flag} through the controller's admin API: a shadow phase of at least
   * 20 s and 200 pairs judged on refusal and error discordance, then 50 % and 100 %. A start
   * refused while a scrape is late (503) is made again.
   */
  private static void start(GatewayProcess controller, String flag) {
    String body =
        """
        {"canary": "canary", "stableVersion": "1.1.0", "canaryVersion": "2.0.0",
         "force": "fleet shadow integration test",
         "plan": {"steps": [50, 100], "minBake": "PT10M", "minSamplesPerArm": 50,
                  "maxStepDuration": "PT10M", "shadowMinDuration": "PT20S",
                  "shadowMinSamples": 200},
         "shadowRules": ["refusalDiscordanceAtMost(0.05)", "errorDiscordanceAtMost(0.05)"]}
        """;
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              HttpResponse<String> started =
                  post(controller.uri("/admin/flags/" + flag + "/rollout"), TOKEN, body);
              assertThat(started.statusCode()).as(started.body()).isIn(201, 503);
              return started.statusCode() == 201;
            });
    assertThat(rollout(controller, flag).path("state").asText()).isEqualTo("SHADOW");
  }

  private static JsonNode rollout(GatewayProcess controller, String flag) {
    try {
      return json(controller.uri("/admin/flags/" + flag + "/rollout"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The state and the last check's reason: what a timed-out wait shows. */
  private static String lastCheck(GatewayProcess controller, String flag) {
    JsonNode rollout = rollout(controller, flag);
    return rollout.path("state").asText() + ": " + rollout.at("/lastCheck/reason").asText();
  }

  private static String lastReason(GatewayProcess controller, String flag) {
    return rollout(controller, flag).at("/lastCheck/reason").asText();
  }

  /** The reason of the audit record that moved {@code flag}'s rollout out of SHADOW. */
  private String shadowDecision(String flag) throws Exception {
    for (String line : Files.readAllLines(dir.resolve("controller-audit.jsonl"))) {
      JsonNode record = JSON.readTree(line);
      if (record.path("flag").asText().equals(flag)
          && record.at("/transition/from").asText().equals("SHADOW")) {
        return record.path("reason").asText();
      }
    }
    throw new AssertionError("no SHADOW transition of " + flag + " in the audit file");
  }

  private static List<String> decisionLines(GatewayProcess controller, String flag) {
    return controller
        .output()
        .lines()
        .filter(l -> l.contains("event=guard.decision flag=" + flag + " "))
        .toList();
  }

  private static String first(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? m.group(1) : "?";
  }
}
