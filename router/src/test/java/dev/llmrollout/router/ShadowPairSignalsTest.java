package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmrollout.router.testing.ModelEndpointServer;
import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import dev.llmrollout.signals.PairCounters;
import dev.llmrollout.signals.PairCounts.Field;
import dev.llmrollout.signals.UnitBuckets;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "issue 19.1: each shadow call is paired with its primary and counted per segment and bucket")
class ShadowPairSignalsTest {
  private static final String FLAG = "shadowed-model";
  private final RouterHarness harness = new RouterHarness();
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final OpenTelemetrySdk openTelemetry =
      OpenTelemetrySdk.builder()
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
          .build();

  @AfterEach
  void close() {
    harness.close();
    openTelemetry.close();
  }

  private void flagShadowing() {
    String stable =
        RouterHarness.STABLE.substring(0, RouterHarness.STABLE.length() - 1)
            + ", \"shadow\": {\"variant\": \"canary\", \"sampleRate\": 1.0}}";
    harness.backend.flag(
        FLAG,
        "stable",
        Map.of("stable", stable, "canary", RouterHarness.CANARY),
        RouterHarness.weights("stable", 100, "canary", 0));
  }

  @Test
  @DisplayName("refusal discordance, tokens, verdicts and judge failures land in the user's bucket")
  void pairsAndVerdictsAreCounted() {
    flagShadowing();
    harness.canary.respond(
        r ->
            r.body().path("messages").toString().contains("pay")
                ? Reply.answer("I'm sorry, I can't help with that.").tokens(30, 9)
                : Reply.answer("canary answer").tokens(30, 5));
    AtomicInteger judged = new AtomicInteger();
    ModelRouter router =
        harness.build(
            harness
                .router()
                .openTelemetry(openTelemetry)
                .shadow(ShadowOptions.custom().judgeSampleRate(1.0).build())
                .judge(
                    (request, pair) ->
                        judged.incrementAndGet() % 4 == 0
                            ? CompletableFuture.failedFuture(
                                new IllegalStateException("judge down"))
                            : CompletableFuture.completedFuture(
                                pair.diff().shadowRefusal()
                                    ? new JudgeVerdict("primary", -0.8, "refused", "stand-in")
                                    : new JudgeVerdict("shadow", 0.2, "fine", "stand-in"))));

    for (int i = 0; i < 8; i++) {
      router.route(
          RouteRequest.builder(FLAG)
              .sessionId("user-" + i)
              .variable("product", "Acme")
              .attribute("intent", i < 3 ? "payment" : "shipping")
              .userMessage(i < 3 ? "pay my order" : "where is my parcel")
              .build());
    }

    await()
        .until(
            () ->
                counters(router).all().total(Field.JUDGED)
                        + counters(router).all().total(Field.JUDGE_FAILURES)
                    == 8);
    PairCounters pairs = counters(router);
    assertThat(pairs.all().total(Field.PAIRS)).isEqualTo(8);
    assertThat(pairs.segment("payment").total(Field.CANDIDATE_ONLY_REFUSALS)).isEqualTo(3);
    assertThat(pairs.segment("shipping").total(Field.CANDIDATE_ONLY_REFUSALS)).isZero();
    assertThat(pairs.all().total(Field.CANDIDATE_TOKENS)).isEqualTo(3 * 39 + 5 * 35);
    // Prices from the endpoints file: model-stable 1 and 2, model-canary 3 and 6 $ per M tokens.
    assertThat(pairs.all().total(Field.PRICED)).as("both models priced").isEqualTo(8);
    assertThat(pairs.all().total(Field.PRIMARY_COST_NANO_USD)).isEqualTo(8 * (12 + 7 * 2) * 1_000);
    assertThat(pairs.all().total(Field.CANDIDATE_COST_NANO_USD))
        .isEqualTo(3 * (30 * 3 + 9 * 6) * 1_000 + 5 * (30 * 3 + 5 * 6) * 1_000);
    assertThat(pairs.all().total(Field.JUDGE_FAILURES)).as("every fourth judge call").isEqualTo(2);
    assertThat(pairs.all().total(Field.JUDGED)).isEqualTo(6);
    assertThat(
            pairs.all().total(Field.PRIMARY_PREFERRED)
                + pairs.all().total(Field.CANDIDATE_PREFERRED))
        .as("a failure is never a verdict")
        .isEqualTo(6);
    int bucket = UnitBuckets.of("user-0");
    assertThat(pairs.segment("payment").get(Field.PAIRS)[bucket]).isPositive();

    Collection<MetricData> metrics = reader.collectAllMetrics();
    assertThat(sum(metrics, "candidate_only_refusals", "_all")).isEqualTo(3);
    assertThat(sum(metrics, "candidate_only_refusals", "payment")).isEqualTo(3);
    assertThat(sum(metrics, "pairs", "_all")).isEqualTo(8);
    assertThat(sum(metrics, "judge_failures", "_all")).isEqualTo(2);
    assertThat(sum(metrics, "judge_score_offset_millis", "_all"))
        .as("signed scores exported offset by 1 per judged pair, so the counter never falls")
        .isEqualTo(pairs.all().total(Field.JUDGE_SCORE_MILLIS) + 1_000 * 6);
    assertThat(points(metrics, "_all"))
        .as(
            "series of one segment label (metrics.md): 64 buckets x (21 fields + 2 sides x 8"
                + " latency bounds) + 4 fields in total, no bucket and no le=+Inf")
        .hasSize(64 * (21 + 2 * 8) + 4)
        .noneMatch(p -> "+Inf".equals(p.getAttributes().get(AttributeKey.stringKey("le"))));
    assertThat(points(metrics, "_all"))
        .filteredOn(
            p -> p.getAttributes().get(AttributeKey.stringKey("llm_rollout.unit_bucket")) == null)
        .extracting(LongPointData::getValue)
        .as("answer lengths, squared scores and judge failures, in total")
        .containsExactlyInAnyOrder(
            pairs.all().total(Field.PRIMARY_CHARS),
            pairs.all().total(Field.CANDIDATE_CHARS),
            pairs.all().total(Field.JUDGE_SCORE_SQUARED_MICROS),
            2L);
  }

  @Test
  @DisplayName(
      "a streamed primary's shadow is streamed too: the pair has both times to first token")
  void streamedPairsCompareTimeToFirstToken() {
    flagShadowing();
    ModelRouter router = harness.build(harness.router());
    RouteRequest request =
        RouteRequest.builder(FLAG)
            .sessionId("user-1")
            .variable("product", "Acme")
            .userMessage("hello")
            .build();
    router.routeStreaming(request, chunk -> {});
    router.route(request);

    await().until(() -> counters(router).all().total(Field.PAIRS) == 2);
    PairCounters pairs = counters(router);
    assertThat(pairs.all().total(Field.STREAMED)).as("only the streamed request").isEqualTo(1);
    assertThat(pairs.all().total(Field.PRIMARY_FIRST_TOKEN_MICROS)).isPositive();
    assertThat(pairs.all().total(Field.CANDIDATE_FIRST_TOKEN_MICROS)).isPositive();
    assertThat(harness.canary.received())
        .extracting(ModelEndpointServer.Received::streamed)
        .containsExactlyInAnyOrder(true, false);
  }

  private static PairCounters counters(ModelRouter router) {
    return router.shadowPairs().pairs(FLAG, "stable", "canary");
  }

  private static List<LongPointData> points(Collection<MetricData> metrics, String segment) {
    return metrics.stream()
        .filter(m -> m.getName().startsWith("llm_rollout.shadow."))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .filter(
            p ->
                segment.equals(
                    p.getAttributes().get(AttributeKey.stringKey("llm_rollout.segment"))))
        .toList();
  }

  private static long sum(Collection<MetricData> metrics, String name, String segment) {
    AttributeKey<String> segmentKey = AttributeKey.stringKey("llm_rollout.segment");
    return metrics.stream()
        .filter(m -> m.getName().equals("llm_rollout.shadow." + name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .filter(p -> segment.equals(p.getAttributes().get(segmentKey)))
        .mapToLong(LongPointData::getValue)
        .sum();
  }
}
