package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.router.testing.Reply;
import dev.llmrollout.router.testing.RouterHarness;
import dev.llmrollout.signals.UnitBuckets;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, point 1: the guard's signals exported as OpenTelemetry counters per flag, variant,
 * segment and unit bucket, with bounded label values whatever clients send.
 */
class GuardSignalMetricsTest {
  private static final String FLAG = "exported-model";
  private static final AttributeKey<String> FLAG_KEY = AttributeKey.stringKey("feature_flag.key");
  private static final AttributeKey<String> SEGMENT = AttributeKey.stringKey("llm_rollout.segment");
  private static final AttributeKey<String> BUCKET =
      AttributeKey.stringKey("llm_rollout.unit_bucket");
  private static final AttributeKey<String> LE = AttributeKey.stringKey("le");

  private final RouterHarness harness = new RouterHarness();
  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final OpenTelemetrySdk openTelemetry =
      OpenTelemetrySdk.builder()
          .setMeterProvider(
              SdkMeterProvider.builder()
                  .registerMetricReader(reader)
                  .registerView(
                      InstrumentSelector.builder()
                          .setName(VariantStats.METRIC_PREFIX + "*")
                          .build(),
                      View.builder().setCardinalityLimit(100_000).build())
                  .build())
          .build();

  @AfterEach
  void close() {
    harness.close();
    openTelemetry.close();
  }

  private ModelRouter router(int segmentsPerFlag) {
    harness.backend.flag(
        FLAG,
        "stable",
        Map.of("stable", RouterHarness.STABLE),
        RouterHarness.weights("stable", 100));
    return harness.build(
        harness.router().openTelemetry(openTelemetry).exportedSegmentsPerFlag(segmentsPerFlag));
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
  void everyRequestCountsOnceInItsUnitBucketAndSegment() {
    ModelRouter router = router(16);
    harness.stable.enqueue(Reply.status(500));
    List<String> users = List.of("u-1", "u-2", "u-3", "u-4", "u-5", "u-6");
    for (String user : users) {
      try {
        router.route(request(user, "billing"));
      } catch (RoutingException expected) {
        // the first reply is an HTTP 500: counted as an error
      }
    }
    router.route(request("u-1", "shipping"));

    Collection<MetricData> metrics = reader.collectAllMetrics();
    assertThat(sum(metrics, "requests", segment("_all"))).isEqualTo(7);
    assertThat(sum(metrics, "requests", segment("billing"))).isEqualTo(6);
    assertThat(sum(metrics, "requests", segment("shipping"))).isEqualTo(1);
    assertThat(sum(metrics, "errors", segment("_all"))).isEqualTo(1);
    assertThat(sum(metrics, "successes", segment("_all"))).isEqualTo(6);
    assertThat(sum(metrics, "first_exposures", segment("_all"))).isEqualTo(6);
    String bucketOfU1 = Integer.toString(UnitBuckets.of("u-1"));
    long u1Expected =
        users.stream().filter(u -> UnitBuckets.of(u) == UnitBuckets.of("u-1")).count();
    assertThat(sum(metrics, "requests", segment("_all").and(bucket(bucketOfU1))))
        .isEqualTo(u1Expected + 1);
    // Latency: cumulative per bound; +Inf holds every measured request and no bound exceeds it.
    long measured = sum(metrics, "latency_at_most", segment("_all").and(le("+Inf")));
    assertThat(measured).isEqualTo(7);
    assertThat(labelValues(metrics, "latency_at_most", LE))
        .containsExactlyInAnyOrder(
            "0.128", "0.256", "0.512", "1.024", "2.048", "4.096", "8.192", "16.384", "+Inf");
    assertThat(sum(metrics, "latency_at_most", segment("_all").and(le("16.384"))))
        .isBetween(0L, measured);
    // Every bucket has a series from the first request on (zeros included), so increase() sees
    // the first count in a bucket.
    assertThat(labelValues(metrics, "requests", BUCKET)).hasSize(UnitBuckets.COUNT);
  }

  @Test
  void segmentValuesPastTheCapAddUpUnderOther() {
    ModelRouter router = router(2);
    for (String intent : List.of("a", "b", "c", "d", "d")) {
      router.route(request("user-" + intent, intent));
    }

    Collection<MetricData> metrics = reader.collectAllMetrics();
    assertThat(labelValues(metrics, "requests", SEGMENT))
        .containsExactlyInAnyOrder("_all", "a", "b", "other");
    assertThat(sum(metrics, "requests", segment("other"))).isEqualTo(3);
    router.route(request("user-e", "e"));
    assertThat(sum(reader.collectAllMetrics(), "requests", segment("other"))).isEqualTo(4);
  }

  @Test
  void unknownFlagKeysCreateNoLabelValues() {
    ModelRouter router = router(16);
    for (int i = 0; i < 20; i++) {
      String flag = "no-such-flag-" + i;
      assertThatThrownBy(
              () ->
                  router.route(RouteRequest.builder(flag).sessionId("s").userMessage("hi").build()))
          .isInstanceOf(RoutingException.class)
          .hasMessageContaining(flag);
    }
    router.route(request("s", "billing"));

    List<MetricData> everything = new ArrayList<>(harness.metrics.collectAllMetrics());
    everything.addAll(reader.collectAllMetrics());
    Set<String> flagLabels =
        everything.stream()
            .flatMap(m -> m.getData().getPoints().stream())
            .map(p -> p.getAttributes().get(FLAG_KEY))
            .filter(v -> v != null)
            .collect(Collectors.toSet());
    assertThat(flagLabels).containsExactlyInAnyOrder(FLAG, "(unknown)");
  }

  private static Predicate<Attributes> segment(String value) {
    return a -> value.equals(a.get(SEGMENT));
  }

  private static Predicate<Attributes> bucket(String value) {
    return a -> value.equals(a.get(BUCKET));
  }

  private static Predicate<Attributes> le(String value) {
    return a -> value.equals(a.get(LE));
  }

  private static List<LongPointData> points(Collection<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(VariantStats.METRIC_PREFIX + name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .toList();
  }

  private static long sum(
      Collection<MetricData> metrics, String name, Predicate<Attributes> which) {
    return points(metrics, name).stream()
        .filter(p -> which.test(p.getAttributes()))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  private static Set<String> labelValues(
      Collection<MetricData> metrics, String name, AttributeKey<String> key) {
    return points(metrics, name).stream()
        .map(p -> p.getAttributes().get(key))
        .collect(Collectors.toSet());
  }
}
