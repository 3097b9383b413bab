package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.llmrollout.router.testing.ModelEndpointServer;
import dev.llmrollout.router.testing.Reply;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarded rollouts on a running gateway, through the real jar: {@code llm-router serve} runs the
 * rollout guard, {@code llm-router rollout start|status|abort} drives it, traffic flows through the
 * gateway to loopback models, and the flags file is the source of truth the guard writes.
 */
class GatewayRolloutIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "rollout-admin-token-for-tests";
  private static final String ALERTMANAGER_TOKEN = "alertmanager-webhook-token-for-tests";
  private static final String API_KEY = "sk-rollout-endpoint-key";
  private static final String HELPFUL =
      "Thanks for reaching out. Here is what I found about your question, step by step.";
  private static final Path EXAMPLE =
      Path.of("..", "examples", "eval", "support-regression.jsonl").toAbsolutePath();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static ModelEndpointServer stable;
  private static ModelEndpointServer canary;
  private static ModelEndpointServer refusing;
  private static HttpServer webhook;
  private static final Queue<JsonNode> alerts = new ConcurrentLinkedQueue<>();
  private static GatewayProcess gateway;
  private static GatewayClient client;

  @BeforeAll
  static void startGateway() throws Exception {
    stable = ModelEndpointServer.start("stable");
    canary = ModelEndpointServer.start("canary");
    refusing = ModelEndpointServer.start("refusing");
    stable.respond(r -> Reply.answer(HELPFUL));
    canary.respond(r -> Reply.answer(HELPFUL));
    AtomicInteger calls = new AtomicInteger();
    refusing.respond(
        r ->
            Reply.answer(
                calls.incrementAndGet() % 2 == 0 ? "I can't help with that request." : HELPFUL));
    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.createContext(
        "/alerts",
        exchange -> {
          try (exchange) {
            alerts.add(JSON.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(204, -1);
          }
        });
    webhook.start();
    Files.writeString(dir.resolve("flags.json"), flags());
    Files.writeString(
        dir.resolve("endpoints.json"),
        """
        {"endpoints": {
          "stable-pool": {"baseUrl": "%s", "apiKeyEnv": "MODEL_API_KEY", "timeoutMs": 10000},
          "canary-pool": {"baseUrl": "%s", "apiKeyEnv": "MODEL_API_KEY", "timeoutMs": 10000},
          "refusing-pool": {"baseUrl": "%s", "apiKeyEnv": "MODEL_API_KEY", "timeoutMs": 10000}}}
        """
            .formatted(stable.baseUrl(), canary.baseUrl(), refusing.baseUrl()));
    JarRunner.Result eval =
        JarRunner.run(
            dir,
            Map.of("MODEL_API_KEY", API_KEY),
            "eval",
            "--flags",
            "flags.json",
            "--endpoints",
            "endpoints.json",
            "--flag",
            "healthy-model",
            "--baseline",
            "stable",
            "--candidate",
            "canary",
            "--cases",
            EXAMPLE.toString(),
            "--report",
            "healthy-report.json");
    assertThat(eval.exitCode()).as(eval.out() + eval.err()).isZero();
    gateway =
        new GatewayProcess(
            dir,
            Map.of(
                "LLM_ROUTER_ADMIN_TOKEN",
                TOKEN,
                "LLM_ROUTER_ALERTMANAGER_TOKEN",
                ALERTMANAGER_TOKEN,
                "MODEL_API_KEY",
                API_KEY,
                "LLM_ROUTER_ALERT_WEBHOOK",
                "http://127.0.0.1:" + webhook.getAddress().getPort() + "/alerts"),
            "--flags",
            "flags.json",
            "--endpoints",
            "endpoints.json",
            "--guard-check-interval",
            "PT0.2S",
            "--rollout-audit",
            "rollout-audit.jsonl");
    client = new GatewayClient(gateway, dir, Map.of("LLM_ROUTER_ADMIN_TOKEN", TOKEN));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    webhook.stop(0);
    stable.close();
    canary.close();
    refusing.close();
  }

  private static String flags() {
    StringBuilder flags = new StringBuilder("{\"flags\": {");
    String[][] flagAndCanaryPool = {
      {"fails-model", "refusing-pool"},
      {"healthy-model", "canary-pool"},
      {"gated-model", "canary-pool"},
      {"forced-model", "canary-pool"},
      {"alerted-model", "canary-pool"}
    };
    for (int i = 0; i < flagAndCanaryPool.length; i++) {
      flags.append(i == 0 ? "" : ",\n");
      flags.append(
          """
          "%s": {"state": "ENABLED",
            "variants": {
              "stable": {"model": "m-stable", "version": "1.1.0", "endpoint": "stable-pool"},
              "canary": {"model": "m-canary", "version": "1.2.0", "endpoint": "%s"}},
            "defaultVariant": "stable",
            "targeting": {"fractional": [["stable", 100], ["canary", 0]]}}
          """
              .formatted(flagAndCanaryPool[i][0], flagAndCanaryPool[i][1]));
    }
    return flags.append("}}").toString();
  }

  private static JsonNode flagInFile(String flag) throws Exception {
    return JSON.readTree(dir.resolve("flags.json").toFile()).path("flags").path(flag);
  }

  @Test
  @DisplayName("a canary that refuses half its requests is rolled back by the guard on its own")
  void aFailingCanaryIsRolledBackAutomatically() throws Exception {
    JarRunner.Result start =
        client.rollout(
            "start",
            "fails-model",
            "--canary",
            "canary",
            "--force",
            "rollback drill in the integration test",
            "--plan-steps",
            "50,100",
            "--min-bake",
            "PT1H",
            "--min-samples",
            "100000");
    assertThat(start.exitCode()).as(start.err()).isZero();
    assertThat(start.out()).contains("CANARY step 1 of 2 (50.0%)");
    assertThat(flagInFile("fails-model").at("/targeting/fractional/1/1").asInt()).isEqualTo(50);

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ZERO)
        .until(
            () -> {
              client.chat("fails-model", 20);
              return client.json("/admin/flags/fails-model/rollout").path("state").asText();
            },
            "ROLLED_BACK"::equals);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                    .json("/admin/flags/fails-model/rollout")
                    .path("rollbackVerified")
                    .asBoolean());

    JsonNode file = flagInFile("fails-model");
    assertThat(file.path("defaultVariant").asText()).isEqualTo("stable");
    assertThat(file.path("targeting").isEmpty()).isTrue();
    assertThat(file.at("/metadata/llmrollout.killReplaced").asText()).contains("fractional");
    assertThat(client.chat("fails-model", 30)).isEqualTo(Map.of("stable", 30));

    JarRunner.Result status = client.rollout("status", "fails-model");
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out())
        .contains("ROLLED_BACK")
        .contains("killed to 'stable' (rollback verified: true)")
        .contains("CANARY step 1 -> ROLLED_BACK")
        .contains("rule broken")
        .containsPattern("broken: (SUCCESS_RATE|REFUSAL_RATE)");
    assertThat(client.json("/admin/flags/fails-model").at("/rollout/state").asText())
        .isEqualTo("ROLLED_BACK");
    assertThat(alerts)
        .anySatisfy(
            alert -> {
              assertThat(alert.path("flag").asText()).isEqualTo("fails-model");
              assertThat(alert.path("severity").asText()).isEqualTo("CRITICAL");
            });
    assertThat(Files.readString(dir.resolve("rollout-audit.jsonl")))
        .contains("\"flag\":\"fails-model\"")
        .contains("\"decision\":\"ROLL_BACK\"");
    assertRestoreRefusedWithoutForce("fails-model");
    assertThat(client.text("/metrics"))
        .as("issue 15.7: the gateway exports its guard's gauges too")
        .contains(
            "llm_rollout_rollout_state{feature_flag_key=\"fails-model\",llm_rollout_state=\"ROLLED_BACK\"} 1")
        .contains(
            "llm_rollout_kill_active{feature_flag_key=\"fails-model\",feature_flag_result_variant=\"stable\",llm_rollout_kill_source=\"guard_rollback\"} 1");
    assertThat(gateway.output())
        .as("issue 17.5: the guard's decision in the operator log")
        .containsPattern(
            "event=guard.decision flag=fails-model decision=ROLL_BACK transition=.* actor=.*"
                + " reason=");
  }

  /**
   * Issue 14.6: after an automatic rollback neither the admin API nor the operator CLI, which
   * restores through the backend outside the guard, puts the canary back without force and a
   * reason; the flag stays killed.
   */
  private static void assertRestoreRefusedWithoutForce(String flag) throws Exception {
    String restorePath = "/admin/flags/" + flag + "/restore";
    HttpResponse<String> plain = adminPost(restorePath, "{\"reason\": \"looks fixed\"}");
    assertThat(plain.statusCode()).as(plain.body()).isEqualTo(409);
    assertThat(plain.body()).contains("restore_refused", "rolled back automatically");
    HttpResponse<String> noReason = adminPost(restorePath, "{\"force\": true}");
    assertThat(noReason.statusCode()).as(noReason.body()).isEqualTo(400);
    assertThat(noReason.body()).contains("reason: a forced restore needs a reason");

    JarRunner.Result cli =
        JarRunner.run(
            dir, Map.of(), "restore", flag, "--reason", "looks fixed", "--flags", "flags.json");
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(cli.err()).contains("rolled back automatically", "restore needs force and a reason");
    assertThat(flagInFile(flag).path("defaultVariant").asText()).isEqualTo("stable");
    assertThat(flagInFile(flag).path("targeting").isEmpty()).isTrue();
  }

  private static HttpResponse<String> adminPost(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(gateway.uri(path))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("a healthy canary with a passing eval report is promoted step by step")
  void aHealthyCanaryIsPromoted() throws Exception {
    JarRunner.Result start =
        client.rollout(
            "start",
            "healthy-model",
            "--canary",
            "canary",
            "--stable",
            "stable",
            "--eval-report",
            "healthy-report.json",
            "--plan-steps",
            "50,100",
            "--min-bake",
            "PT1S",
            "--min-samples",
            "20");
    assertThat(start.exitCode()).as(start.err()).isZero();

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ZERO)
        .until(
            () -> {
              client.chat("healthy-model", 10);
              return client.json("/admin/flags/healthy-model/rollout").path("state").asText();
            },
            "PROMOTED"::equals);
    JsonNode rollout = client.json("/admin/flags/healthy-model/rollout");
    assertThat(rollout.path("transitions"))
        .extracting(t -> t.path("text").asText())
        .containsSubsequence("CANARY step 1 -> CANARY step 2", "CANARY step 2 -> PROMOTED");
    assertThat(firstAuditReason("healthy-model"))
        .startsWith("eval gate passed: the submitted evalReport");
    assertThat(rollout.at("/weights/canary").asDouble()).isEqualTo(100.0);
    // The gateway serves the promoted split once its file watcher has reloaded the written flags
    // file, a few milliseconds after the write the rollout reports.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(client.chat("healthy-model", 10)).isEqualTo(Map.of("canary", 10)));
  }

  @Test
  @DisplayName("the eval gate refuses a start without a report for that payload; nothing written")
  void theEvalGateRefusesWithoutAPassingReport() throws Exception {
    byte[] before = Files.readAllBytes(dir.resolve("flags.json"));
    JarRunner.Result noReport = client.rollout("start", "gated-model", "--canary", "canary");
    assertThat(noReport.exitCode()).as(noReport.out()).isEqualTo(1);
    assertThat(noReport.err())
        .contains("HTTP 409")
        .contains("flag 'gated-model' variant 'canary'")
        .contains("the request has no evalReport");

    JarRunner.Result otherFlags =
        client.rollout(
            "start", "gated-model", "--canary", "canary", "--eval-report", "healthy-report.json");
    assertThat(otherFlags.exitCode()).isEqualTo(1);
    assertThat(otherFlags.err())
        .contains("evalReport ran flag 'healthy-model'")
        .contains("expected flag 'gated-model'");

    JarRunner.Result badPlan =
        client.rollout(
            "start", "gated-model", "--canary", "canary", "--force", "x", "--plan-steps", "50,25");
    assertThat(badPlan.exitCode())
        .as("a request the gateway answers 400 is bad usage")
        .isEqualTo(2);
    assertThat(badPlan.err()).contains("HTTP 400").contains("gated-model").contains("plan.steps");

    JarRunner.Result noToken =
        client.rollout(Map.of(), "start", "gated-model", "--canary", "canary", "--force", "x");
    assertThat(noToken.exitCode()).isEqualTo(2);
    assertThat(noToken.err()).contains("HTTP 401").contains("LLM_ROUTER_ADMIN_TOKEN is not set");

    JarRunner.Result unknown =
        client.rollout("start", "no-such-model", "--canary", "canary", "--force", "x");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("HTTP 404").contains("no-such-model");

    assertThat(client.rollout("start", "gated-model", "--gateway-typo", "x").exitCode())
        .isEqualTo(2);
    assertThat(Files.readAllBytes(dir.resolve("flags.json"))).isEqualTo(before);
    JarRunner.Result status = client.rollout("status", "gated-model");
    assertThat(status.exitCode()).isEqualTo(2);
    assertThat(status.err()).contains("no rollout was started");
  }

  @Test
  @DisplayName("a forced start records its reason; abort rolls back by hand, once")
  void aForcedStartIsAuditedAndAbortRollsBack() throws Exception {
    JarRunner.Result start =
        client.rollout(
            "start",
            "forced-model",
            "--canary",
            "canary",
            "--force",
            "hotfix approved by the on-call lead",
            "--plan-steps",
            "50,100",
            "--min-bake",
            "PT1H");
    assertThat(start.exitCode()).as(start.err()).isZero();
    JarRunner.Result status = client.rollout("status", "forced-model", "--json");
    assertThat(status.exitCode()).isZero();
    assertThat(firstAuditReason("forced-model"))
        .contains("eval gate overridden")
        .contains("hotfix approved by the on-call lead");

    JarRunner.Result again =
        client.rollout("start", "forced-model", "--canary", "canary", "--force", "second");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err())
        .contains("HTTP 409")
        .contains("expected none running")
        .contains("abort it first (llm-router rollout abort forced-model");

    JarRunner.Result abort = client.rollout("abort", "forced-model", "--reason", "on-call stop");
    assertThat(abort.exitCode()).as(abort.err()).isZero();
    assertThat(abort.out())
        .contains("ROLLED_BACK")
        .contains("by hand: on-call stop")
        .contains("rollback verified: true");
    assertThat(gateway.output())
        .contains("event=rollout.abort flag=forced-model")
        .contains("reason=\"on-call stop\" result=ok");
    assertThat(client.json("/admin/flags/forced-model").path("killedTo").asText())
        .isEqualTo("stable");
    assertThat(flagInFile("forced-model").path("defaultVariant").asText()).isEqualTo("stable");

    JarRunner.Result twice = client.rollout("abort", "forced-model", "--reason", "again");
    assertThat(twice.exitCode()).isEqualTo(1);
    assertThat(twice.err()).contains("no rollout is running");
    assertThat(
            new String(
                Files.readAllBytes(dir.resolve("rollout-audit.jsonl")), StandardCharsets.UTF_8))
        .contains("hotfix approved by the on-call lead");
  }

  @Test
  @DisplayName("issue 15.6: an Alertmanager webhook call rolls the flag in its labels back, once")
  void anAlertmanagerAlertRollsBack() throws Exception {
    JarRunner.Result start =
        client.rollout(
            "start",
            "alerted-model",
            "--canary",
            "canary",
            "--force",
            "alert test",
            "--plan-steps",
            "50,100",
            "--min-bake",
            "PT1H");
    assertThat(start.exitCode()).as(start.err()).isZero();
    // Alertmanager 0.25's webhook body, as captured in the research note (version 4).
    String payload =
        """
        {"receiver":"rollout-controller","status":"firing",
         "alerts":[{"status":"firing",
           "labels":{"alertname":"LlmRolloutErrorRatioRegression","feature_flag_key":"alerted-model",
                     "feature_flag_result_variant":"canary","action":"rollback","severity":"page"},
           "annotations":{"summary":"errors 25% more"},"startsAt":"2026-12-07T12:46:48Z",
           "endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus/graph",
           "fingerprint":"7c722b43f4126d9b"}],
         "groupLabels":{},"commonLabels":{},"commonAnnotations":{},
         "externalURL":"http://127.0.0.1:19093","version":"4",
         "groupKey":"{}:{alertname=\\"LlmRolloutErrorRatioRegression\\"}","truncatedAlerts":0}
        """;

    assertThat(webhookCall(payload, null).statusCode()).isEqualTo(401);
    assertThat(webhookCall(payload, "wrong-token").statusCode()).isEqualTo(401);
    assertThat(client.json("/admin/flags/alerted-model/rollout").path("state").asText())
        .isNotEqualTo("ROLLED_BACK");

    HttpResponse<String> first = webhookCall(payload, ALERTMANAGER_TOKEN);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(JSON.readTree(first.body()).at("/alerts/0/outcome").asText())
        .startsWith("rolled back: state ROLLED_BACK");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                    .json("/admin/flags/alerted-model/rollout")
                    .path("rollbackVerified")
                    .asBoolean());
    assertThat(client.json("/admin/flags/alerted-model").path("killedTo").asText())
        .isEqualTo("stable");
    assertThat(flagInFile("alerted-model").path("defaultVariant").asText()).isEqualTo("stable");
    assertThat(Files.readString(dir.resolve("rollout-audit.jsonl")))
        .contains(
            "Alertmanager alert LlmRolloutErrorRatioRegression (fingerprint 7c722b43f4126d9b");

    HttpResponse<String> resent = webhookCall(payload, ALERTMANAGER_TOKEN);
    assertThat(JSON.readTree(resent.body()).at("/alerts/0/outcome").asText())
        .startsWith("duplicate: already rolled back");
  }

  private static HttpResponse<String> webhookCall(String payload, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(gateway.uri("/hooks/alertmanager"))
            .header("Content-Type", "application/json")
            .header("User-Agent", "Alertmanager/0.25.0")
            .POST(HttpRequest.BodyPublishers.ofString(payload));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The reason of {@code flag}'s first audit record, read from the gateway's audit file (every
   * record, oldest first): the status answer shows only the latest 20, and at a 0.2 s check
   * interval the start record can be out of that window by the time a status command runs.
   */
  private static String firstAuditReason(String flag) throws Exception {
    for (String line : Files.readAllLines(dir.resolve("rollout-audit.jsonl"))) {
      JsonNode record = JSON.readTree(line);
      if (record.path("flag").asText().equals(flag)) {
        return record.path("reason").asText();
      }
    }
    return "";
  }
}
