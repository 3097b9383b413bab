package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.router.testing.ModelEndpointServer;
import dev.llmrollout.router.testing.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: the judge-score rule guards a canary started through the gateway ({@code llm-router
 * serve --judge stand-in --live-judge-sample-rate 1}), through the real jar. The candidate, a major
 * version, hedges on every second answer ("I'm not sure, ..."): neither a refusal nor short, so its
 * success and refusal rates equal stable's and only the judge sees it. Its shadow rules leave the
 * judge out so that it passes the shadow gate: what is under test is the live rule in the canary.
 */
class GatewayLiveJudgeIT {
  private static final String TOKEN = "live-judge-admin-token-for-tests";
  private static final String API_KEY = "sk-live-judge-endpoint-key";
  private static final String FLAG = "judged-model";
  private static final String ANSWER =
      "Thanks for reaching out. Here is what I found about your question, step by step.";
  private static final String HEDGED =
      "I'm not sure, but here is what I found about your question, step by step.";

  @TempDir static Path dir;
  private static ModelEndpointServer stable;
  private static ModelEndpointServer hedging;
  private static GatewayProcess gateway;
  private static GatewayClient client;

  @BeforeAll
  static void startGateway() throws Exception {
    stable = ModelEndpointServer.start("stable");
    hedging = ModelEndpointServer.start("hedging");
    stable.respond(r -> Reply.answer(ANSWER));
    AtomicInteger calls = new AtomicInteger();
    hedging.respond(r -> Reply.answer(calls.incrementAndGet() % 2 == 0 ? HEDGED : ANSWER));
    Files.writeString(
        dir.resolve("flags.json"),
        """
        {"flags": {"%s": {"state": "ENABLED",
          "variants": {
            "stable": {"model": "m-stable", "version": "1.1.0", "endpoint": "stable-pool",
              "shadow": {"variant": "canary", "sampleRate": 1.0}},
            "canary": {"model": "m-canary", "version": "2.0.0", "endpoint": "hedging-pool"}},
          "defaultVariant": "stable",
          "targeting": {"fractional": [["stable", 100], ["canary", 0]]},
          "metadata": {"rollout.shadowMinDuration": "PT1S", "rollout.shadowMinSamples": "50"}}}}
        """
            .formatted(FLAG));
    Files.writeString(
        dir.resolve("endpoints.json"),
        """
        {"endpoints": {
          "stable-pool": {"baseUrl": "%s", "apiKeyEnv": "MODEL_API_KEY", "timeoutMs": 10000},
          "hedging-pool": {"baseUrl": "%s", "apiKeyEnv": "MODEL_API_KEY", "timeoutMs": 10000}}}
        """
            .formatted(stable.baseUrl(), hedging.baseUrl()));
    gateway =
        new GatewayProcess(
            dir,
            Map.of("LLM_ROUTER_ADMIN_TOKEN", TOKEN, "MODEL_API_KEY", API_KEY),
            "--flags",
            "flags.json",
            "--endpoints",
            "endpoints.json",
            "--guard-check-interval",
            "PT0.2S",
            "--judge",
            "stand-in",
            "--judge-shadow-sample-rate",
            "1",
            "--live-judge-sample-rate",
            "1",
            "--live-judge-calls-per-minute",
            "0");
    client = new GatewayClient(gateway, dir, Map.of("LLM_ROUTER_ADMIN_TOKEN", TOKEN));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    stable.close();
    hedging.close();
  }

  @Test
  @DisplayName(
      "a major version whose answers the judge scores lower, with unchanged success and refusal"
          + " rates, passes the shadow gate and is rolled back on the live judge rule")
  void theLiveJudgeRuleRollsBackWhatOnlyTheJudgeSees() throws Exception {
    JarRunner.Result start =
        client.rollout(
            "start",
            FLAG,
            "--canary",
            "canary",
            "--stable-version",
            "1.1.0",
            "--canary-version",
            "2.0.0",
            "--force",
            "live judge drill in the integration test",
            "--plan-steps",
            "50,100",
            "--min-bake",
            "PT1H",
            "--min-samples",
            "100000",
            "--rule",
            "successRateDrop(0.05)",
            "--rule",
            "refusalRateIncrease(0.02)",
            "--rule",
            "judgeScoreDrop(0.05)",
            "--shadow-rule",
            "refusalDiscordanceAtMost(0.05)");
    assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
    assertThat(start.out()).contains("SHADOW");

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ZERO)
        .until(
            () -> {
              client.chat(FLAG, 20);
              return client.json("/admin/flags/" + FLAG + "/rollout").path("state").asText();
            },
            "ROLLED_BACK"::equals);

    JsonNode rollout = client.json("/admin/flags/" + FLAG + "/rollout");
    assertThat(rollout.path("transitions"))
        .extracting(t -> t.path("text").asText())
        .containsSubsequence("SHADOW -> CANARY step 1", "CANARY step 1 -> ROLLED_BACK");
    JsonNode rollback = rollout.path("transitions").get(rollout.path("transitions").size() - 1);
    assertThat(rollback.path("reason").asText()).contains("JUDGE_SCORE");
    JarRunner.Result status = client.rollout("status", FLAG);
    assertThat(status.out())
        .as("the last check's broken rules: the judge's, not success or refusals")
        .contains("ROLLED_BACK")
        .contains("broken: JUDGE_SCORE")
        .doesNotContain("broken: SUCCESS_RATE")
        .doesNotContain("broken: REFUSAL_RATE");

    String metrics = client.text("/metrics");
    assertThat(metrics)
        .as("both arms' judged answers, exported for a controller to add up")
        .containsPattern(judged("llm_rollout_guard_judged_total", "canary"))
        .containsPattern(judged("llm_rollout_guard_judged_total", "stable"))
        .containsPattern(judged("llm_rollout_guard_judge_score_millis_total", "canary"));
  }

  @Test
  @DisplayName(
      "a judge endpoint given as a URL stops serve, naming the option and the endpoints it may"
          + " name")
  void aJudgeEndpointIsANameNeverAUrl() throws Exception {
    JarRunner.Result serve =
        JarRunner.run(
            dir,
            Map.of("MODEL_API_KEY", API_KEY),
            "serve",
            "--flags",
            "flags.json",
            "--endpoints",
            "endpoints.json",
            "--port",
            "0",
            "--judge-endpoint",
            "http://127.0.0.1:1/v1");
    assertThat(serve.exitCode()).isNotZero();
    assertThat(serve.err())
        .contains("--judge-endpoint http://127.0.0.1:1/v1: expected the name of an endpoint in")
        .contains("[hedging-pool, stable-pool]");
  }

  /** A counter of {@code variant} of the flag with a count above 0. */
  private static String judged(String counter, String variant) {
    return counter
        + "\\{(?=[^}]*feature_flag_key=\""
        + FLAG
        + "\")(?=[^}]*feature_flag_result_variant=\""
        + variant
        + "\")[^}]*\\} [1-9]";
  }
}
