package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import dev.llmrollout.signals.Counts;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 19.3: a sampled share of both arms' live answers is judged off the user's path")
class LiveJudgingTest {
  private static final String FLAG = RouterHarness.MODEL_FLAG;
  private final RouterHarness harness = new RouterHarness();

  @AfterEach
  void close() {
    harness.close();
  }

  private void splitEvenly() {
    harness.backend.flag(
        FLAG,
        "stable",
        java.util.Map.of("stable", RouterHarness.STABLE, "canary", RouterHarness.CANARY),
        RouterHarness.weights("stable", 50, "canary", 50));
  }

  private static RouteRequest request(int i) {
    return RouteRequest.builder(FLAG)
        .sessionId("user-" + i)
        .variable("product", "Acme")
        .attribute("intent", i % 2 == 0 ? "payment" : "shipping")
        .userMessage("help me")
        .build();
  }

  private static long total(long[] perBucket) {
    long sum = 0;
    for (long v : perBucket) {
      sum += v;
    }
    return sum;
  }

  private ModelRouter judging(
      AnswerJudge judge, LiveJudgeOptions options, Predicate<String> flags) {
    return harness.build(harness.router().answerJudge(judge).liveJudging(options, flags));
  }

  private static Counts arm(ModelRouter router, String variant) {
    return router.signals().counters(FLAG, variant).all();
  }

  @Test
  @DisplayName("scores per arm and segment, failures counted apart, exported with the signals")
  void scoresAndFailuresPerArm() {
    splitEvenly();
    AtomicInteger calls = new AtomicInteger();
    AnswerJudge judge =
        (request, answer) ->
            calls.incrementAndGet() % 5 == 0
                ? CompletableFuture.failedFuture(new IllegalStateException("judge down"))
                : CompletableFuture.completedFuture(
                    new AnswerScore(answer.startsWith("canary") ? 0.5 : 0.9, "ok", "scripted"));
    ModelRouter router = judging(judge, LiveJudgeOptions.of(1.0, 0), FLAG::equals);

    for (int i = 0; i < 40; i++) {
      router.route(request(i));
    }

    await()
        .until(
            () ->
                router.count(RouterEvent.LIVE_JUDGED) + router.count(RouterEvent.LIVE_JUDGE_FAILED)
                    == 40);
    Counts stable = arm(router, "stable");
    Counts canary = arm(router, "canary");
    long scored = total(stable.judged()) + total(canary.judged());
    assertThat(router.count(RouterEvent.LIVE_JUDGE_FAILED)).isEqualTo(8);
    assertThat(total(stable.judgeFailures()) + total(canary.judgeFailures())).isEqualTo(8);
    assertThat(scored).as("a failure is never a score").isEqualTo(32);
    assertThat(total(stable.judged())).isPositive();
    assertThat(total(canary.judged())).isPositive();
    assertThat(total(stable.judgeScoreMillis())).isEqualTo(900 * total(stable.judged()));
    assertThat(total(canary.judgeScoreMillis())).isEqualTo(500 * total(canary.judged()));
    assertThat(total(canary.judgeScoreSquaredMicros())).isEqualTo(250_000 * total(canary.judged()));
    Counts payment = router.signals().counters(FLAG, "canary").segment("payment");
    assertThat(total(payment.judged()) + total(payment.judgeFailures())).isPositive();

    Collection<MetricData> metrics = harness.metrics.collectAllMetrics();
    assertThat(exported(metrics, "judged", "canary")).isEqualTo(total(canary.judged()));
    assertThat(exported(metrics, "judge_score_millis", "canary"))
        .isEqualTo(total(canary.judgeScoreMillis()));
    assertThat(exported(metrics, "judge_failures", "stable"))
        .isEqualTo(total(stable.judgeFailures()));
  }

  @Test
  @DisplayName("the user's answer never waits for the judge")
  void neverOnTheUsersPath() throws Exception {
    splitEvenly();
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<AnswerScore> pending = new CompletableFuture<>();
    AnswerJudge blocked =
        (request, answer) -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return pending;
        };
    ModelRouter router = judging(blocked, LiveJudgeOptions.of(1.0, 0), FLAG::equals);

    RoutedResponse answer = router.route(request(1));

    assertThat(answer.content()).isNotEmpty();
    assertThat(router.count(RouterEvent.LIVE_JUDGED)).as("judge still blocked").isZero();
    release.countDown();
    pending.complete(new AnswerScore(0.7, "ok", "scripted"));
    await().until(() -> router.count(RouterEvent.LIVE_JUDGED) == 1);
  }

  @Test
  @DisplayName("only the judged flags, within the budget; every skip is counted")
  void budgetAndFlags() {
    splitEvenly();
    AtomicInteger calls = new AtomicInteger();
    AnswerJudge counting =
        (request, answer) -> {
          calls.incrementAndGet();
          return CompletableFuture.completedFuture(new AnswerScore(1, "ok", "x"));
        };
    ModelRouter router = judging(counting, LiveJudgeOptions.of(1.0, 3), FLAG::equals);

    for (int i = 0; i < 10; i++) {
      router.route(request(i));
    }

    await().until(() -> router.count(RouterEvent.LIVE_JUDGED) == 3);
    assertThat(router.count(RouterEvent.LIVE_JUDGE_OVER_BUDGET)).isEqualTo(7);
    assertThat(calls.get()).isEqualTo(3);

    ModelRouter notJudged =
        judging(
            (request, answer) -> CompletableFuture.failedFuture(new Error()),
            LiveJudgeOptions.of(1.0, 0),
            flag -> false);
    notJudged.route(request(1));
    notJudged.close(); // waits for anything queued on its pool
    assertThat(notJudged.count(RouterEvent.LIVE_JUDGE_FAILED)).isZero();
    assertThat(total(arm(notJudged, "stable").judgeFailures())).isZero();
  }

  @Test
  @DisplayName("the judge model scores one answer on the rubric, pinned; a bad score is a failure")
  void endpointJudgeScoresSingleAnswers() {
    splitEvenly();
    AtomicInteger asked = new AtomicInteger();
    harness.judge.respond(
        r ->
            Reply.answer(
                asked.incrementAndGet() == 1
                    ? "{\"score\": 0.7, \"reason\": \"helpful\"}"
                    : "{\"score\": 7, \"reason\": \"on a scale of 10\"}"));
    ModelRouter router =
        harness.build(
            harness
                .router()
                .judgeWithEndpoint(
                    "judge-pool",
                    JudgeConfig.pinned("judge-model", "2026-01-15").rubric("Be specific."))
                .liveJudging(LiveJudgeOptions.of(1.0, 0), FLAG::equals));

    String served = router.route(request(0)).modelFlag().variant();
    await().until(() -> router.count(RouterEvent.LIVE_JUDGED) == 1);
    router.route(request(0));
    await().until(() -> router.count(RouterEvent.LIVE_JUDGE_FAILED) == 1);

    var received = harness.judge.received();
    assertThat(received.get(0).model()).isEqualTo("judge-model");
    assertThat(received.get(0).message(0)).startsWith("Be specific.").contains("score one answer");
    assertThat(received.get(0).message(1)).contains("Answer:\n");
    Counts arm = arm(router, served);
    assertThat(total(arm.judgeScoreMillis())).isEqualTo(700);
    assertThat(total(arm.judged())).isEqualTo(1);
    assertThat(total(arm.judgeFailures())).isEqualTo(1);
  }

  @Test
  @DisplayName("live judging without a judge that scores answers is refused at build")
  void needsAJudge() {
    assertThatThrownBy(
            () -> harness.router().liveJudging(LiveJudgeOptions.of(0.1, 60), FLAG::equals).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("liveJudging");
  }

  private static long exported(Collection<MetricData> metrics, String name, String variant) {
    AttributeKey<String> segment = AttributeKey.stringKey("llm_rollout.segment");
    AttributeKey<String> variantKey = AttributeKey.stringKey("feature_flag.result.variant");
    return metrics.stream()
        .filter(m -> m.getName().equals("llm_rollout.guard." + name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .filter(p -> "_all".equals(p.getAttributes().get(segment)))
        .filter(p -> variant.equals(p.getAttributes().get(variantKey)))
        .mapToLong(LongPointData::getValue)
        .sum();
  }
}
