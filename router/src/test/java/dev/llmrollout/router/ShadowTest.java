package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, point 5: shadow calls in the background for a sticky share of targeting keys, a bounded
 * queue that drops and counts, pairs recorded with hash, answers, latencies, tokens and a diff, a
 * per-shadow budget, and an asynchronous judge on a sample.
 */
class ShadowTest {
  private static final String FLAG = "shadowed-model";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final RouterHarness harness = new RouterHarness();

  @AfterEach
  void close() {
    harness.close();
  }

  private void flagShadowing(double sampleRate) {
    String stable =
        RouterHarness.STABLE.substring(0, RouterHarness.STABLE.length() - 1)
            + ", \"shadow\": {\"variant\": \"canary\", \"sampleRate\": "
            + sampleRate
            + "}}";
    harness.backend.flag(
        FLAG,
        "stable",
        Map.of("stable", stable, "canary", RouterHarness.CANARY),
        RouterHarness.weights("stable", 100, "canary", 0));
  }

  private static RouteRequest request(String session) {
    return RouteRequest.builder(FLAG)
        .sessionId(session)
        .variable("product", "Acme")
        .attribute("intent", "billing")
        .userMessage("hi")
        .build();
  }

  @Test
  void theUserGetsThePrimaryAndThePairIsRecordedWithBothSides() {
    flagShadowing(1.0);
    harness.canary.respond(r -> Reply.answer("I'm sorry, I can't help with that.").tokens(30, 9));
    ModelRouter router = harness.build(harness.router());

    RoutedResponse response = router.route(request("s-1"));

    assertThat(response.content()).isEqualTo("stable says hi to model-stable");
    assertThat(response.shadowed()).isTrue();
    await().until(() -> harness.shadowSink.pairs().size() == 1);
    ShadowRecord pair = harness.shadowSink.pairs().get(0);
    assertThat(pair.flagKey()).isEqualTo(FLAG);
    assertThat(pair.requestHash()).matches("[0-9a-f]{64}");
    assertThat(pair.primary().variant()).isEqualTo("stable");
    assertThat(pair.primary().content()).isEqualTo(response.content());
    assertThat(pair.primary().inputTokens()).isEqualTo(12);
    assertThat(pair.shadow().variant()).isEqualTo("canary");
    assertThat(pair.shadow().model()).isEqualTo("model-canary");
    assertThat(pair.shadow().modelVersion()).contains("1.2.0");
    assertThat(pair.shadow().content()).isEqualTo("I'm sorry, I can't help with that.");
    assertThat(pair.shadow().inputTokens()).isEqualTo(30);
    assertThat(pair.shadow().outputTokens()).isEqualTo(9);
    assertThat(pair.shadow().latencyMillis()).isPositive();
    assertThat(pair.diff().lengthDelta())
        .isEqualTo("I'm sorry, I can't help with that.".length() - response.content().length());
    assertThat(pair.diff().shadowRefusal()).isTrue();
    assertThat(pair.diff().primaryRefusal()).isFalse();
    // The shadow got the same rendered prompt, and its outcome is counted apart from live traffic.
    assertThat(harness.canary.received().get(0).message(0)).isEqualTo("You help with Acme.");
    assertThat(router.shadowSignals().arm(FLAG, "canary", "billing").refusals()).isEqualTo(1);
    assertThat(router.signals().arm(FLAG, "canary").requests()).isZero();
  }

  @Test
  void samplingIsStickyByTargetingKey() {
    flagShadowing(0.5);
    ModelRouter router = harness.build(harness.router());
    Set<String> shadowedOnce = new HashSet<>();
    Set<String> notShadowedOnce = new HashSet<>();

    for (int round = 0; round < 3; round++) {
      for (int s = 0; s < 100; s++) {
        String session = "s-" + s;
        (router.route(request(session)).shadowed() ? shadowedOnce : notShadowedOnce).add(session);
      }
    }

    assertThat(shadowedOnce).doesNotContainAnyElementsOf(notShadowedOnce);
    assertThat(shadowedOnce.size()).isBetween(35, 65);
  }

  @Test
  void aFullShadowQueueDropsAndCountsWithoutDelayingTheUser() throws Exception {
    flagShadowing(1.0);
    // The shadow endpoint holds every call until the test lets go: the one worker stays busy.
    CountDownLatch release = new CountDownLatch(1);
    harness.canary.respond(
        r -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Reply.answer("held shadow");
        });
    ModelRouter router =
        harness.build(
            harness.router().shadow(ShadowOptions.custom().threads(1).queueCapacity(1).build()));

    List<RoutedResponse> responses = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        responses.add(router.route(request("s-" + i)));
      }
    } finally {
      release.countDown();
    }

    assertThat(responses).allSatisfy(r -> assertThat(r.content()).startsWith("stable says hi"));
    // One running, one queued; the other four were dropped, not waited for.
    assertThat(router.count(RouterEvent.SHADOW_SUBMITTED)).isEqualTo(2);
    assertThat(router.count(RouterEvent.SHADOW_DROPPED)).isEqualTo(4);
    assertThat(responses).filteredOn(RoutedResponse::shadowed).hasSize(2);
    await().until(() -> router.count(RouterEvent.SHADOW_RECORDED) == 2);
  }

  @Test
  void aSpentBudgetStopsShadowingForTheMinute() {
    flagShadowing(1.0);
    ModelRouter router =
        harness.build(harness.router().shadow(ShadowOptions.custom().requestsPerMinute(3).build()));

    for (int i = 0; i < 10; i++) {
      router.route(request("s-" + i));
    }

    await().until(() -> harness.shadowSink.pairs().size() == 3);
    assertThat(router.count(RouterEvent.SHADOW_OVER_BUDGET)).isEqualTo(7);
    assertThat(harness.canary.received()).hasSize(3);
  }

  @Test
  void aTokenBudgetStopsShadowingOnceSpent() {
    flagShadowing(1.0);
    harness.canary.respond(r -> Reply.answer("long").tokens(400, 200));
    ModelRouter router =
        harness.build(
            harness
                .router()
                .shadow(ShadowOptions.custom().threads(1).tokensPerMinute(1_000).build()));

    for (int i = 0; i < 6; i++) {
      router.route(request("s-" + i));
      // Wait for the shadow call in flight, so its tokens are charged before the next request.
      await()
          .until(
              () ->
                  router.count(RouterEvent.SHADOW_SUBMITTED)
                      == router.count(RouterEvent.SHADOW_RECORDED));
    }

    // 600 tokens per call: after two calls the 1,000-token budget is spent.
    assertThat(router.count(RouterEvent.SHADOW_RECORDED)).isEqualTo(2);
    assertThat(router.count(RouterEvent.SHADOW_OVER_BUDGET)).isEqualTo(4);
  }

  @Test
  void aJudgeEndpointScoresASampleOfPairsAsynchronouslyInBothOrders() {
    flagShadowing(1.0);
    // A consistent judge: it prefers the canary's answer wherever it is placed.
    harness.judge.respond(
        r ->
            Reply.answer(
                r.message(1).contains("Answer A:\ncanary")
                    ? "{\"preferred\": \"A\", \"score\": -0.6, \"reason\": \"more specific\"}"
                    : "{\"preferred\": \"B\", \"score\": 0.6, \"reason\": \"more specific\"}"));
    ModelRouter router =
        harness.build(
            harness
                .router()
                .shadow(ShadowOptions.custom().judgeSampleRate(1.0).build())
                .judgeWithEndpoint(
                    "judge-pool",
                    JudgeConfig.pinned("judge-model", "2026-01-15")
                        .rubric("Prefer specific answers.")));

    router.route(request("s-1"));

    await().until(() -> harness.shadowSink.verdicts().size() == 1);
    JudgeVerdict verdict = harness.shadowSink.verdicts().values().iterator().next();
    assertThat(verdict)
        .isEqualTo(new JudgeVerdict("shadow", 0.6, "more specific", "judge-model@2026-01-15"));
    assertThat(harness.judge.received()).as("asked once in each order").hasSize(2);
    var asked = harness.judge.received();
    assertThat(asked.get(0).authorization()).isEqualTo("Bearer " + RouterHarness.JUDGE_KEY);
    assertThat(asked.get(0).model()).isEqualTo("judge-model");
    assertThat(asked.get(0).message(0)).startsWith("Prefer specific answers.");
    assertThat(asked)
        .extracting(a -> a.message(1))
        .anySatisfy(m -> assertThat(m).contains("Answer A:\nstable says hi to model-stable"))
        .anySatisfy(m -> assertThat(m).contains("Answer A:\ncanary says hi to model-canary"));
    assertThat(router.count(RouterEvent.JUDGED)).isEqualTo(1);
  }

  @Test
  void aJudgeThatAlwaysPicksTheSamePositionGivesATie() {
    flagShadowing(1.0);
    harness.judge.respond(
        r -> Reply.answer("{\"preferred\": \"B\", \"score\": 0.6, \"reason\": \"B\"}"));
    ModelRouter router =
        harness.build(
            harness
                .router()
                .shadow(ShadowOptions.custom().judgeSampleRate(1.0).build())
                .judgeWithEndpoint("judge-pool", "judge-model-2026-01-15"));

    router.route(request("s-1"));

    await().until(() -> harness.shadowSink.verdicts().size() == 1);
    JudgeVerdict verdict = harness.shadowSink.verdicts().values().iterator().next();
    assertThat(verdict.preferred()).isEqualTo("tie");
    assertThat(verdict.score()).isZero();
    assertThat(verdict.judge()).isEqualTo("judge-model-2026-01-15");
  }

  @Test
  void anUnparsableVerdictIsAFailureNeverAVerdict() {
    flagShadowing(1.0);
    harness.judge.respond(r -> Reply.answer("I think B is nicer."));
    ModelRouter router =
        harness.build(
            harness
                .router()
                .shadow(ShadowOptions.custom().judgeSampleRate(1.0).build())
                .judgeWithEndpoint(
                    "judge-pool",
                    JudgeConfig.pinned("judge-model", "1").order(JudgeConfig.Order.RANDOMIZED)));

    router.route(request("s-1"));

    await().until(() -> router.count(RouterEvent.JUDGE_FAILED) == 1);
    assertThat(harness.shadowSink.verdicts()).isEmpty();
    var pairs = router.shadowPairs().pairs(FLAG, "stable", "canary").all();
    assertThat(pairs.total(dev.llmrollout.signals.PairCounts.Field.JUDGE_FAILURES)).isEqualTo(1);
    assertThat(pairs.total(dev.llmrollout.signals.PairCounts.Field.JUDGED)).isZero();
  }

  @Test
  void aCustomJudgeIsCalledOnlyForTheSample() {
    flagShadowing(1.0);
    ModelRouter router =
        harness.build(
            harness
                .router()
                .shadow(ShadowOptions.custom().judgeSampleRate(0.0).build())
                .judge(
                    (request, pair) ->
                        CompletableFuture.completedFuture(new JudgeVerdict("tie", 0, "", "test"))));

    for (int i = 0; i < 20; i++) {
      router.route(request("s-" + i));
    }

    await().until(() -> harness.shadowSink.pairs().size() == 20);
    assertThat(harness.shadowSink.verdicts()).isEmpty();
  }

  @Test
  void theDefaultSinkWritesOneJsonObjectPerLine(@TempDir Path dir) throws Exception {
    flagShadowing(1.0);
    Path file = dir.resolve("shadow.jsonl");
    ModelRouter router =
        harness.build(harness.router().shadowSink(JsonLinesShadowSink.appendingTo(file)));

    router.route(request("s-1"));
    router.route(request("s-2"));

    await().until(() -> router.count(RouterEvent.SHADOW_RECORDED) == 2);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    JsonNode line = JSON.readTree(lines.get(0));
    assertThat(line.path("type").asText()).isEqualTo("pair");
    assertThat(line.path("requestHash").asText()).hasSize(64);
    assertThat(line.path("primary").path("model").asText()).isEqualTo("model-stable");
    assertThat(line.path("shadow").path("modelVersion").asText()).isEqualTo("1.2.0");
    assertThat(line.path("diff").has("shadowValidJson")).isTrue();
  }

  @Test
  void aShadowDirectiveNamingAnUnknownVariantIsCountedAndTheUserStillServed() {
    String stable =
        RouterHarness.STABLE.substring(0, RouterHarness.STABLE.length() - 1)
            + ", \"shadow\": {\"variant\": \"ghost\", \"sampleRate\": 1.0}}";
    harness.backend.flag(
        FLAG, "stable", Map.of("stable", stable), RouterHarness.weights("stable", 100));
    ModelRouter router = harness.build(harness.router());

    RoutedResponse response = router.route(request("s-1"));

    assertThat(response.content()).isEqualTo("stable says hi to model-stable");
    assertThat(response.shadowed()).isFalse();
    assertThat(router.count(RouterEvent.SHADOW_MISCONFIGURED)).isEqualTo(1);
    assertThat(harness.canary.received()).isEmpty();
  }
}
