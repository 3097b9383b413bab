package dev.llmrollout.router.cli;

import static dev.llmrollout.router.cli.FleetFixture.ALERTMANAGER_TOKEN;
import static dev.llmrollout.router.cli.FleetFixture.ENV;
import static dev.llmrollout.router.cli.FleetFixture.JSON;
import static dev.llmrollout.router.cli.FleetFixture.TOKEN;
import static dev.llmrollout.router.cli.FleetFixture.json;
import static dev.llmrollout.router.cli.FleetFixture.post;
import static dev.llmrollout.router.cli.FleetFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.guard.prometheus.PrometheusProcess;
import dev.llmrollout.router.testing.ModelEndpointServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, points 3, 7 and 8: three {@code llm-router serve} gateways share the traffic of one
 * flag, a real Prometheus scrapes them every second, and a controller ({@code llm-router guard}) in
 * its own process runs the rollout on what Prometheus adds up, driven by {@code llm-router rollout
 * ... --gateway <controller>}. Prometheus stopped mid-rollout holds it (with its reason, in status,
 * gauges and log) and it continues in the same step when Prometheus is back; a canary regression is
 * then rolled back fleet-wide. Prometheus asks for basic auth, and the controller sends it with a
 * password from its environment. Needs the {@code prometheus} binary ({@code .ci/prometheus.sh
 * install}); skipped with a message without it.
 */
class FleetControllerIT {
  private static final String FLAG = "fleet-model";
  private static final String ALERTED = "alerted-model";
  private static final int GATEWAYS = 3;
  private static final Pattern GAUGE =
      Pattern.compile("(?m)^(llm_rollout_(?:rollout|kill)_\\w+)\\{([^}]*)} (\\S+)$");

  @TempDir Path dir;
  @RegisterExtension final StartedResources running = new StartedResources();

  @Test
  @DisplayName("issue 15.3/15.8: a controller holds without Prometheus, then rolls back fleet-wide")
  void aControllerHoldsWithoutPrometheusThenRollsBackARegressionFleetWide() throws Exception {
    FleetFixture.assumePrometheusInstalled();
    ModelEndpointServer stable = running.keep(FleetFixture.helpfulStable());
    FleetFixture.RegressingCanary canary = running.keep(new FleetFixture.RegressingCanary());
    FleetFixture.writeConfig(dir, stable, canary.server, FLAG, ALERTED);
    List<GatewayProcess> gateways = FleetFixture.gateways(dir, GATEWAYS, running);
    // Prometheus asks for basic auth; the controller's password comes from its environment.
    PrometheusProcess prometheus =
        running.keep(FleetFixture.prometheusWithBasicAuth(dir, gateways));
    FleetControllerLauncher controllers =
        new FleetControllerLauncher(
            dir, prometheus, GATEWAYS, Duration.ofSeconds(5), "--guard-id", "fleet-controller-1");
    GatewayProcess first = controllers.start(running);
    FleetTraffic traffic = running.keep(new FleetTraffic(gateways, FLAG, Duration.ZERO));
    assertThat(first.output()).contains("basic auth as 'fleet-controller'");
    // The controller serves the admin API and health, never model traffic.
    assertThat(send(first.uri("/readyz")).statusCode()).isEqualTo(200);
    HttpResponse<String> chat = send(first.uri("/v1/chat/completions"));
    assertThat(chat.statusCode()).isEqualTo(404);
    assertThat(chat.body()).contains("rollout controller (llm-router guard)");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> json(first.uri("/healthz")).at("/prometheus/complete").asBoolean());

    String url = first.uri("/").toString();
    // A gateway that misses one scrape under load makes the data incomplete for a moment: the start
    // is then refused with 503 and nothing written, and an operator starts again.
    AtomicReference<JarRunner.Result> started = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              started.set(startRollout(url));
              return !started.get().err().contains("signals are unavailable");
            });
    JarRunner.Result start = started.get();
    assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
    assertThat(start.out()).contains("CANARY step 1 of 2 (50.0%)");
    await().atMost(Duration.ofSeconds(30)).until(() -> traffic.served("canary") > 50);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> lastCheck(first).path("reason").asText().startsWith("waiting:"));

    // Prometheus stopped: the rollout holds in its step, visibly; back: it continues.
    prometheus.stop();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> lastCheck(first).path("reason").asText(), r -> r.contains("unavailable"));
    assertThat(gauges(first))
        .contains("llm_rollout_rollout_hold{signals_unavailable}=1")
        .contains("llm_rollout_rollout_state{CANARY}=1")
        .contains("llm_rollout_rollout_step=1")
        .contains("llm_rollout_rollout_canary_weight_ratio{canary}=0.5");
    HttpResponse<String> notReady = send(first.uri("/readyz"));
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("Prometheus does not answer");
    JarRunner.Result held = JarRunner.run(dir, ENV, "rollout", "status", FLAG, "--gateway", url);
    assertThat(held.exitCode()).isZero();
    assertThat(held.out())
        .contains("CANARY step 1 of 2")
        .contains("hold: signals_unavailable")
        .contains("signals unavailable");

    prometheus.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> lastCheck(first).path("reason").asText().startsWith("waiting:"));
    JsonNode resumed = json(first.uri("/admin/flags/" + FLAG + "/rollout"));
    assertThat(resumed.path("state").asText()).isEqualTo("CANARY");
    assertThat(resumed.path("step").asInt()).isEqualTo(1);
    assertThat(resumed.path("transitions")).as("no step change while blind").isEmpty();
    assertThat(gauges(first)).contains("llm_rollout_rollout_hold{signals_unavailable}=0");

    // The controller stopped mid-step and started again (same --guard-id) resumes the same step
    // with the same step start, from the record next to the flag.
    String stepStart = recordedStepStart();
    first.terminate();
    GatewayProcess controller = controllers.start(running);
    // Taken up at start, or at the next rescan (half a lease) when the first read met the old
    // process's last write: either way from the record, never started afresh.
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () -> json(controller.uri("/admin/flags/" + FLAG + "/rollout")).path("state").asText(),
            "CANARY"::equals);
    JsonNode afterRestart = json(controller.uri("/admin/flags/" + FLAG + "/rollout"));
    assertThat(afterRestart.path("state").asText()).isEqualTo("CANARY");
    assertThat(afterRestart.path("step").asInt()).isEqualTo(1);
    assertThat(recordedStepStart()).as("the same bake clock").isEqualTo(stepStart);
    assertThat(controller.output()).contains("event=guard.resume flag=" + FLAG);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> lastCheck(controller).path("reason").asText().startsWith("waiting:"));

    // The canary regresses on all three gateways' traffic; the controller rolls it back for all.
    canary.regress();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> json(controller.uri("/admin/flags/" + FLAG + "/rollout")),
            r -> r.path("rollbackVerified").asBoolean());
    System.out.printf(
        "FleetControllerIT: first regressed request -> verified rollback: %.1f s"
            + " (1 s scrapes, 0.5 s checks, %d gateways)%n",
        canary.secondsSinceFirstRefusal(), GATEWAYS);
    JsonNode rolledBack = json(controller.uri("/admin/flags/" + FLAG + "/rollout"));
    assertThat(rolledBack.path("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(rolledBack.at("/lastCheck/reason").asText()).startsWith("rule broken");
    for (GatewayProcess gateway : gateways) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> json(gateway.uri("/admin/flags/" + FLAG)).path("killedTo").asText(""),
              "stable"::equals);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .alias("the last 100 requests, over all gateways, all served by stable")
        .until(() -> traffic.lastHundredAll("stable"));
    assertThat(gauges(controller))
        .contains("llm_rollout_rollout_state{ROLLED_BACK}=1")
        .contains("llm_rollout_kill_active{stable,guard_rollback}=1");
    (first.output() + controller.output())
        .lines()
        .filter(l -> l.contains("event=guard."))
        .forEach(l -> System.out.println("FleetControllerIT controller log: " + l));
    // Prometheus going down may first answer 503, then refuse connections: one line per reason.
    assertThat(
            first
                .output()
                .lines()
                .filter(l -> l.contains("decision=HOLD") && l.contains("signals_unavailable"))
                .map(l -> l.substring(l.indexOf(" reason=")))
                .toList())
        .as("one line per reason during the Prometheus outage, not one per check")
        .isNotEmpty()
        .doesNotHaveDuplicates();
    assertThat(first.output() + controller.output())
        .containsPattern(
            "event=guard.decision flag=fleet-model decision=HOLD .*holdReason=signals_unavailable")
        .containsPattern(
            "event=guard.decision flag=fleet-model decision=ROLL_BACK .*canaryWeight=0.0 .*broken=\\S+")
        .contains("event=guard.rollback flag=fleet-model phase=VERIFIED");
    assertThat(first.output() + controller.output())
        .as("the Prometheus password is in no log line")
        .doesNotContain(PrometheusProcess.TEST_USER.password());
    anAlertmanagerAlertRollsBackThroughTheController(controller);
    assertThat(dashboardRolloutMetrics())
        .as("every rollout metric the dashboard shows is one the controller exports")
        .isNotEmpty()
        .allSatisfy(name -> assertThat(scrape(controller)).contains(name + "{"));
  }

  /** Issue 15.6: the controller takes Alertmanager's webhook for the fleet's rollouts. */
  private void anAlertmanagerAlertRollsBackThroughTheController(GatewayProcess controller)
      throws Exception {
    HttpResponse<String> started =
        post(
            controller.uri("/admin/flags/" + ALERTED + "/rollout"),
            TOKEN,
            "{\"canary\": \"canary\", \"force\": \"alert test\", \"plan\": {\"steps\": [50, 100],"
                + " \"minBake\": \"PT1H\"}}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    String payload =
        """
        {"receiver":"rollout-controller","status":"firing",
         "alerts":[{"status":"firing",
           "labels":{"alertname":"LlmRolloutErrorRatioRegression","feature_flag_key":"%s",
                     "feature_flag_result_variant":"canary","action":"rollback","severity":"page"},
           "annotations":{"summary":"errors 25%% more"},"startsAt":"2026-12-07T12:46:48Z",
           "endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus/graph",
           "fingerprint":"5d1c0a4e9f3b2a17"}],
         "groupLabels":{},"commonLabels":{},"commonAnnotations":{},
         "externalURL":"http://127.0.0.1:19093","version":"4",
         "groupKey":"{}:{alertname=\\"LlmRolloutErrorRatioRegression\\"}","truncatedAlerts":0}
        """
            .formatted(ALERTED);
    assertThat(post(controller.uri("/hooks/alertmanager"), "wrong", payload).statusCode())
        .isEqualTo(401);
    HttpResponse<String> alerted =
        post(controller.uri("/hooks/alertmanager"), ALERTMANAGER_TOKEN, payload);
    assertThat(alerted.statusCode()).as(alerted.body()).isEqualTo(200);
    assertThat(JSON.readTree(alerted.body()).at("/alerts/0/outcome").asText())
        .startsWith("rolled back: state ROLLED_BACK");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                json(controller.uri("/admin/flags/" + ALERTED + "/rollout"))
                    .path("rollbackVerified")
                    .asBoolean());
    assertThat(Files.readString(dir.resolve("controller-audit.jsonl")))
        .contains(
            "Alertmanager alert LlmRolloutErrorRatioRegression (fingerprint 5d1c0a4e9f3b2a17");
  }

  /** When the running step began, as the rollout's record next to the flag says. */
  private String recordedStepStart() throws Exception {
    JsonNode flag = JSON.readTree(dir.resolve("flags.json").toFile()).path("flags").path(FLAG);
    JsonNode record = JSON.readTree(flag.at("/metadata/llmrollout.rolloutRecord").asText());
    JsonNode steps = record.path("steps");
    assertThat(steps.isEmpty()).as("a recorded step in %s", record).isFalse();
    return steps.get(steps.size() - 1).path("startedAt").asText();
  }

  private JarRunner.Result startRollout(String url) throws Exception {
    return JarRunner.run(
        dir,
        ENV,
        "rollout",
        "start",
        FLAG,
        "--canary",
        "canary",
        "--force",
        "fleet controller integration test",
        "--plan-steps",
        "50,100",
        "--min-bake",
        "PT10M",
        "--min-samples",
        "50",
        "--gateway",
        url);
  }

  private static JsonNode lastCheck(GatewayProcess controller) throws Exception {
    return json(controller.uri("/admin/flags/" + FLAG + "/rollout")).path("lastCheck");
  }

  /** The rollout and kill gauges as {@code name{label values}=value}, flag label left out. */
  private static Set<String> gauges(GatewayProcess controller) throws Exception {
    Set<String> gauges = new TreeSet<>();
    Matcher m = GAUGE.matcher(scrape(controller));
    while (m.find()) {
      List<String> values = new ArrayList<>();
      for (String label : m.group(2).split(",")) {
        String[] kv = label.split("=", 2);
        if (!kv[0].equals("feature_flag_key")) {
          values.add(kv[1].replace("\"", ""));
        }
      }
      String value = m.group(3).replaceAll("\\.0$", "");
      gauges.add(
          m.group(1)
              + (values.isEmpty() ? "" : "{" + String.join(",", values) + "}")
              + "="
              + value);
    }
    return gauges;
  }

  private static String scrape(GatewayProcess controller) throws Exception {
    return send(controller.uri("/metrics")).body();
  }

  /** The rollout and kill metrics the shipped Grafana dashboard queries. */
  private static Set<String> dashboardRolloutMetrics() throws Exception {
    Set<String> names = new TreeSet<>();
    JsonNode dashboard =
        JSON.readTree(Path.of("..", "deploy", "grafana", "llm-rollout-dashboard.json").toFile());
    Pattern metric = Pattern.compile("llm_rollout_(?:rollout|kill)_[a-z_]+");
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        // label lists name labels such as llm_rollout_kill_source, not metrics
        String expr =
            target.path("expr").asText().replaceAll("\\b(?:by|on|without) \\([^)]*\\)", "");
        Matcher m = metric.matcher(expr);
        while (m.find()) {
          names.add(m.group());
        }
      }
    }
    return names;
  }
}
