package dev.llmrollout.router.internal;

import dev.llmrollout.router.ModelRouter;
import dev.llmrollout.signals.LatencyBins;
import dev.llmrollout.signals.PairCounters;
import dev.llmrollout.signals.PairCounts;
import dev.llmrollout.signals.PairRecorder;
import dev.llmrollout.signals.UnitBuckets;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The shadow pairs' counters ({@link PairRecorder}) as OpenTelemetry observable counters, one
 * instrument per {@link PairCounts.Field} plus each side's latency at the guard's exported bounds,
 * labelled like the guard's signals (flag, segment capped per flag with overflow under {@value
 * GuardSignalMetrics#OTHER}, unit bucket) and by the primary and shadow variant. Read at collection
 * time; nothing is counted twice. Fields read only in total ({@link PairCounts.Field#perBucket()})
 * carry no unit bucket, and the latency has no {@code le="+Inf"} point: it would repeat {@code
 * answered}. Each costs a scrape 64 series per field (or side) and segment for nothing the guard
 * reads. Names and labels: docs/metrics.md.
 */
public final class ShadowPairMetrics implements AutoCloseable {
  static final String PREFIX = ModelRouter.SHADOW_PAIR_METRIC_PREFIX;

  /** What each judged pair adds to the exported score sum so that it never falls. */
  public static final long JUDGE_SCORE_OFFSET_MILLIS = 1000;

  public static final AttributeKey<String> PRIMARY_VARIANT =
      AttributeKey.stringKey("llm_rollout.primary_variant");
  public static final AttributeKey<String> SHADOW_VARIANT =
      AttributeKey.stringKey("llm_rollout.shadow_variant");

  private static final int[] LATENCY_BOUND_BINS =
      LatencyBins.EXPORTED_BOUND_BINS.stream().mapToInt(Integer::intValue).toArray();

  private final PairRecorder pairs;
  private final int maxSegments;
  private final Map<String, LabelCap> segmentsByFlag = new LinkedHashMap<>();
  private final Map<PairCounts.Field, ObservableLongMeasurement> fields =
      new EnumMap<>(PairCounts.Field.class);
  private final ObservableLongMeasurement primaryLatency;
  private final ObservableLongMeasurement shadowLatency;
  private final BatchCallback callback;

  public ShadowPairMetrics(OpenTelemetry openTelemetry, PairRecorder pairs, int maxSegments) {
    this.pairs = pairs;
    this.maxSegments = maxSegments;
    Meter meter = openTelemetry.getMeter("dev.llmrollout.router");
    for (PairCounts.Field field : PairCounts.Field.values()) {
      fields.put(
          field,
          meter
              .counterBuilder(PREFIX + exportedName(field))
              // An annotation, not "1": Prometheus's exporter turns unit "1" into a "_ratio" name
              // suffix, and the documented names (what the controller queries) have none.
              .setUnit("{pair}")
              .setDescription("Shadow pairs: " + exportedName(field))
              .buildObserver());
    }
    primaryLatency = latency(meter, "primary_latency_at_most", "primary");
    shadowLatency = latency(meter, "shadow_latency_at_most", "shadow");
    List<ObservableLongMeasurement> all = new java.util.ArrayList<>(fields.values());
    all.add(shadowLatency);
    callback =
        meter.batchCallback(
            this::collect, primaryLatency, all.toArray(ObservableLongMeasurement[]::new));
  }

  /**
   * The field's name in the exposition. The judge's score sum is signed (-1 to 1 per judged pair)
   * and may fall, which no Prometheus counter may: it is exported offset by 1 per judged pair,
   * {@value #JUDGE_SCORE_OFFSET_MILLIS} thousandths, so it only rises (0 to 2 per judged pair), and
   * a reader subtracts the offset of the judged pairs it counts. Both stay counters whose resets
   * Prometheus's {@code increase()} handles.
   */
  private static String exportedName(PairCounts.Field field) {
    String name = field.name().toLowerCase(Locale.ROOT);
    return field == PairCounts.Field.JUDGE_SCORE_MILLIS ? "judge_score_offset_millis" : name;
  }

  private static ObservableLongMeasurement latency(Meter meter, String name, String side) {
    return meter
        .counterBuilder(PREFIX + name)
        .setUnit("{pair}")
        .setDescription(
            "Answered shadow pairs whose " + side + " call took no longer than le seconds")
        .buildObserver();
  }

  private synchronized void collect() {
    for (List<String> stream : pairs.streams()) {
      String flag = stream.get(0);
      PairCounters counters = pairs.pairs(flag, stream.get(1), stream.get(2));
      Attributes labels =
          Attributes.of(
              GenAiMetrics.FLAG_KEY,
              flag,
              PRIMARY_VARIANT,
              stream.get(1),
              SHADOW_VARIANT,
              stream.get(2));
      observe(labels, GuardSignalMetrics.ALL_SEGMENTS, counters.all());
      LabelCap cap =
          segmentsByFlag.computeIfAbsent(
              flag, f -> new LabelCap(maxSegments, GuardSignalMetrics.OTHER));
      Map<String, PairCounts> folded = new LinkedHashMap<>();
      for (String segment : new TreeSet<>(counters.segments())) {
        String label =
            segment.equals(GuardSignalMetrics.ALL_SEGMENTS)
                ? GuardSignalMetrics.OTHER
                : cap.label(segment);
        folded.merge(label, counters.segment(segment), PairCounts::plus);
      }
      folded.forEach((label, counts) -> observe(labels, label, counts));
    }
  }

  private void observe(Attributes pairLabels, String segment, PairCounts counts) {
    Map<PairCounts.Field, long[]> values = new EnumMap<>(PairCounts.Field.class);
    for (PairCounts.Field field : PairCounts.Field.values()) {
      values.put(field, counts.get(field));
    }
    Attributes segmentLabels =
        pairLabels.toBuilder().put(GuardSignalMetrics.SEGMENT, segment).build();
    for (PairCounts.Field field : PairCounts.Field.values()) {
      if (!field.perBucket()) {
        fields.get(field).record(counts.total(field), segmentLabels);
      }
    }
    for (int k = 0; k < UnitBuckets.COUNT; k++) {
      Attributes labels =
          segmentLabels.toBuilder()
              .put(GuardSignalMetrics.UNIT_BUCKET, Integer.toString(k))
              .build();
      for (PairCounts.Field field : PairCounts.Field.values()) {
        if (field.perBucket()) {
          fields.get(field).record(exportedValue(values, field, k), labels);
        }
      }
      observeLatency(primaryLatency, counts, false, k, labels);
      observeLatency(shadowLatency, counts, true, k, labels);
    }
  }

  private static long exportedValue(
      Map<PairCounts.Field, long[]> values, PairCounts.Field field, int bucket) {
    long value = values.get(field)[bucket];
    return field == PairCounts.Field.JUDGE_SCORE_MILLIS
        ? value + JUDGE_SCORE_OFFSET_MILLIS * values.get(PairCounts.Field.JUDGED)[bucket]
        : value;
  }

  private static void observeLatency(
      ObservableLongMeasurement into,
      PairCounts counts,
      boolean candidate,
      int bucket,
      Attributes labels) {
    long cumulative = 0;
    int bin = 0;
    for (int bound : LATENCY_BOUND_BINS) {
      for (; bin <= bound; bin++) {
        cumulative += counts.latency(candidate, bucket, bin);
      }
      double seconds = LatencyBins.upperBoundMillis(bound) / 1000;
      into.record(
          cumulative,
          labels.toBuilder().put(GuardSignalMetrics.LE, Double.toString(seconds)).build());
    }
  }

  @Override
  public void close() {
    callback.close();
  }
}
