package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import dev.llmrollout.signals.Counts;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.Value;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, point 6: per flag, per variant, per segment signals (requests, errors, latency
 * percentiles, tokens, cost, refusals, empty answers, invalid JSON, track() feedback) as an
 * in-process snapshot and as OpenTelemetry metrics with the GenAI semantic conventions.
 */
class SignalsTest {
  private static final String FLAG = "measured-model";
  private final RouterHarness harness = new RouterHarness();

  @AfterEach
  void close() {
    harness.close();
  }

  private ModelRouter router() {
    harness.backend.flag(
        FLAG,
        "stable",
        Map.of("stable", RouterHarness.STABLE),
        RouterHarness.weights("stable", 100));
    return harness.build(harness.router());
  }

  private static RouteRequest request(String session, String intent) {
    return RouteRequest.builder(FLAG)
        .sessionId(session)
        .attribute("intent", intent)
        .variable("product", "Acme")
        .userMessage("hi")
        .build();
  }

  @Test
  void answersAreCountedPerVariantAndPerSegment() {
    ModelRouter router = router();
    harness.stable.enqueue(
        Reply.answer("Here is your refund.").tokens(100, 50),
        Reply.answer("I'm sorry, but I can't help with that.").tokens(100, 10),
        Reply.answer("").tokens(100, 0),
        Reply.status(500));

    router.route(request("a", "billing"));
    router.route(request("b", "billing"));
    router.route(request("c", "shipping"));
    try {
      router.route(request("d", "shipping"));
    } catch (RoutingException expected) {
      // counted below
    }

    ArmSnapshot all = router.signals().arm(FLAG, "stable");
    assertThat(all.requests()).isEqualTo(4);
    assertThat(all.errors()).isEqualTo(1);
    assertThat(all.refusals()).isEqualTo(1);
    assertThat(all.emptyOrShort()).isEqualTo(1);
    assertThat(all.successes()).isEqualTo(1);
    assertThat(all.inputTokens()).isEqualTo(300);
    assertThat(all.outputTokens()).isEqualTo(60);
    // model-stable costs $1 per million input and $2 per million output tokens.
    assertThat(all.costUsd()).isCloseTo((300 * 1.0 + 60 * 2.0) / 1e6, within(1e-12));
    assertThat(all.latencyCount()).isEqualTo(4);
    assertThat(all.latencyQuantileMillis(0.99)).isPositive();
    assertThat(all.slowerThan(60_000)).isZero();
    assertThat(router.signals().segments(FLAG)).containsExactlyInAnyOrder("billing", "shipping");
    ArmSnapshot billing = router.signals().arm(FLAG, "stable", "billing");
    assertThat(billing.requests()).isEqualTo(2);
    assertThat(billing.refusals()).isEqualTo(1);
    ArmSnapshot shipping = router.signals().arm(FLAG, "stable", "shipping");
    assertThat(shipping.errors()).isEqualTo(1);
    assertThat(shipping.emptyOrShort()).isEqualTo(1);
    assertThat(router.signals().arm(FLAG, "nobody").requests()).isZero();
    assertThat(router.signals().arm(FLAG, "nobody").latencyQuantileMillis(0.5)).isNaN();

    // The guard's view of the same calls: per unit bucket, with each user first exposed once.
    Counts guardView = router.signals().counters(FLAG, "stable").all();
    assertThat(guardView.totalRequests()).isEqualTo(4);
    assertThat(Arrays.stream(guardView.errors()).sum()).isEqualTo(1);
    assertThat(Arrays.stream(guardView.refusals()).sum()).isEqualTo(1);
    assertThat(Arrays.stream(guardView.successes()).sum()).isEqualTo(1);
    assertThat(Arrays.stream(guardView.latencyCounts()).sum()).isEqualTo(4);
    assertThat(Arrays.stream(guardView.firstExposures()).sum()).isEqualTo(4);
    assertThat(router.signals().counters(FLAG, "stable").segment("billing").totalRequests())
        .isEqualTo(2);
  }

  @Test
  void invalidJsonIsCountedOnlyWhereJsonWasAskedFor() {
    ModelRouter router = router();
    harness.stable.enqueue(
        Reply.answer("{\"refund\": true}"),
        Reply.answer("```json\n{\"refund\": false}\n```"),
        Reply.answer("Sure! {\"refund\": true}"),
        Reply.answer("not json, not asked"));

    for (int i = 0; i < 3; i++) {
      router.route(
          RouteRequest.builder(FLAG)
              .sessionId("s")
              .variable("product", "Acme")
              .jsonResponse(true)
              .build());
    }
    router.route(request("s", "billing"));

    assertThat(
            harness.stable.received().get(0).body().path("response_format").path("type").asText())
        .isEqualTo("json_object");
    ArmSnapshot arm = router.signals().arm(FLAG, "stable");
    assertThat(arm.jsonRequested()).isEqualTo(3);
    assertThat(arm.invalidJson()).isEqualTo(1);
    assertThat(arm.successes()).isEqualTo(3);
  }

  @Test
  void feedbackSentThroughOpenFeatureTrackIsCountedForTheServedVariant() {
    ModelRouter router = router();
    router.route(request("happy", "billing"));
    router.route(request("unhappy", "billing"));

    harness
        .client()
        .track("thumbs_up", new ImmutableContext("happy", Map.of("intent", new Value("billing"))));
    harness
        .client()
        .track(
            "thumbs_down",
            new ImmutableContext("unhappy", Map.of("intent", new Value("billing"))),
            new MutableTrackingEventDetails(1).add(LlmFeatureProvider.TRACK_FLAG_FIELD, FLAG));
    harness.client().track("thumbs_down", new ImmutableContext("stranger"));

    ArmSnapshot arm = router.signals().arm(FLAG, "stable", "billing");
    assertThat(arm.feedback("thumbs_up")).isEqualTo(1);
    assertThat(arm.feedback("thumbs_down")).isEqualTo(1);
    assertThat(arm.feedbackRequests()).isEqualTo(2);
    assertThat(harness.provider.unattributedFeedback()).isEqualTo(1);
  }

  @Test
  void openTelemetryMetricsFollowTheGenAiConventionsWithFlagAttributes() {
    ModelRouter router = router();
    harness.stable.enqueue(Reply.answer("ok").tokens(40, 8), Reply.status(500));
    router.route(request("a", "billing"));
    try {
      router.route(request("b", "billing"));
    } catch (RoutingException expected) {
      // measured below
    }

    Collection<MetricData> metrics = harness.metrics.collectAllMetrics();
    MetricData duration = metric(metrics, "gen_ai.client.operation.duration");
    assertThat(duration.getUnit()).isEqualTo("s");
    assertThat(duration.getHistogramData().getPoints())
        .hasSize(2)
        .allSatisfy(
            point -> {
              assertThat(point.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
                  .isEqualTo("model-stable");
              assertThat(point.getAttributes().get(AttributeKey.stringKey("feature_flag.key")))
                  .isEqualTo(FLAG);
              assertThat(
                      point
                          .getAttributes()
                          .get(AttributeKey.stringKey("feature_flag.result.variant")))
                  .isEqualTo("stable");
              assertThat(point.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")))
                  .isEqualTo("chat");
            })
        .anySatisfy(
            point ->
                assertThat(point.getAttributes().get(AttributeKey.stringKey("error.type")))
                    .isEqualTo("HTTP_STATUS"));
    MetricData tokens = metric(metrics, "gen_ai.client.token.usage");
    assertThat(tokens.getUnit()).isEqualTo("{token}");
    assertThat(tokens.getHistogramData().getPoints())
        .extracting(
            p ->
                p.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type"))
                    + "="
                    + (long) p.getSum())
        .containsExactlyInAnyOrder("input=40", "output=8");
  }

  private static MetricData metric(Collection<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + metrics));
  }
}
