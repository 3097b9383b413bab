package dev.llmrollout.router.internal;

import dev.llmrollout.router.VariantStats;
import dev.llmrollout.signals.ArmCounters;
import dev.llmrollout.signals.Counts;
import dev.llmrollout.signals.LatencyBins;
import dev.llmrollout.signals.UnitBuckets;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The rollout guard's signals ({@link VariantStats#counters}) as OpenTelemetry observable counters,
 * so Prometheus can add up every routing process's counts and a controller can judge a rollout
 * fleet-wide. Read at collection time from the recorder; nothing is counted twice.
 *
 * <p>Every counter carries the flag, variant, segment and unit bucket. The segment {@value
 * #ALL_SEGMENTS} holds all traffic of the arm (the other segment values are subsets of it); at most
 * {@link #maxSegments} segment values per flag get their own label value, in the order they are
 * first collected, and later ones add up under {@value #OTHER}. Feedback names are capped the same
 * way. Latency is exported as cumulative counts at a few fixed bounds ({@link
 * LatencyBins#EXPORTED_BOUND_BINS}) labelled {@code le}, so {@code histogram_quantile} works on it;
 * the bounds are exact {@link LatencyBins} edges. Names and labels: docs/metrics.md.
 */
public final class GuardSignalMetrics implements AutoCloseable {
  private static final String PREFIX = VariantStats.METRIC_PREFIX;

  public static final String ALL_SEGMENTS = "_all";
  public static final String OTHER = "other";

  public static final AttributeKey<String> SEGMENT = AttributeKey.stringKey("llm_rollout.segment");
  public static final AttributeKey<String> UNIT_BUCKET =
      AttributeKey.stringKey("llm_rollout.unit_bucket");
  public static final AttributeKey<String> LE = AttributeKey.stringKey("le");
  public static final AttributeKey<String> FEEDBACK_NAME =
      AttributeKey.stringKey("llm_rollout.feedback.name");

  private static final int[] LATENCY_BOUND_BINS =
      LatencyBins.EXPORTED_BOUND_BINS.stream().mapToInt(Integer::intValue).toArray();

  private final VariantStats stats;
  private final int maxSegments;
  private final Map<String, LabelCap> segmentsByFlag = new LinkedHashMap<>();
  private final Map<String, LabelCap> feedbackByFlag = new LinkedHashMap<>();
  private final ObservableLongMeasurement requests;
  private final ObservableLongMeasurement successes;
  private final ObservableLongMeasurement errors;
  private final ObservableLongMeasurement refusals;
  private final ObservableLongMeasurement firstExposures;
  private final ObservableLongMeasurement feedback;
  private final ObservableLongMeasurement latency;
  private final ObservableLongMeasurement judged;
  private final ObservableLongMeasurement judgeScore;
  private final ObservableLongMeasurement judgeScoreSquared;
  private final ObservableLongMeasurement judgeFailures;
  private final BatchCallback callback;

  public GuardSignalMetrics(OpenTelemetry openTelemetry, VariantStats stats, int maxSegments) {
    if (maxSegments < 0) {
      throw new IllegalArgumentException("maxSegments: expected 0 or more, got " + maxSegments);
    }
    this.stats = stats;
    this.maxSegments = maxSegments;
    Meter meter = openTelemetry.getMeter("dev.llmrollout.router");
    requests = counter(meter, "requests", "Requests routed to the variant, counted once each");
    successes = counter(meter, "successes", "Requests with a usable answer");
    errors = counter(meter, "errors", "Requests that failed: HTTP error, timeout, unparsable");
    refusals = counter(meter, "refusals", "Answers that matched a refusal pattern");
    firstExposures =
        counter(meter, "first_exposures", "Units whose first request of the flag went here");
    feedback = counter(meter, "feedback", "Feedback events (track()) attributed to the arm");
    latency =
        counter(
            meter,
            "latency_at_most",
            "Measured requests no slower than le seconds (cumulative, le=+Inf counts all)");
    judged = counter(meter, "judged", "Answers the live judge scored");
    judgeScore =
        counter(meter, "judge_score_millis", "{score_millis}", "Live judge scores (0-1), x1000");
    judgeScoreSquared =
        counter(
            meter,
            "judge_score_squared_micros",
            "{score_squared_micros}",
            "Squared live judge scores, x1000000");
    judgeFailures =
        counter(meter, "judge_failures", "Live judge calls that gave no score (never a score)");
    callback =
        meter.batchCallback(
            this::collect,
            requests,
            successes,
            errors,
            refusals,
            firstExposures,
            feedback,
            latency,
            judged,
            judgeScore,
            judgeScoreSquared,
            judgeFailures);
  }

  private static ObservableLongMeasurement counter(Meter meter, String name, String description) {
    return counter(meter, name, "{request}", description);
  }

  private static ObservableLongMeasurement counter(
      Meter meter, String name, String unit, String description) {
    return meter
        .counterBuilder(PREFIX + name)
        .setUnit(unit)
        .setDescription(description)
        .buildObserver();
  }

  private synchronized void collect() {
    for (VariantStats.Arm arm : stats.arms()) {
      ArmCounters counters = stats.counters(arm.flagKey(), arm.variant());
      Attributes armLabels =
          Attributes.of(
              GenAiMetrics.FLAG_KEY, arm.flagKey(), GenAiMetrics.FLAG_VARIANT, arm.variant());
      observe(arm.flagKey(), armLabels, ALL_SEGMENTS, counters.all());
      LabelCap cap =
          segmentsByFlag.computeIfAbsent(arm.flagKey(), f -> new LabelCap(maxSegments, OTHER));
      Map<String, Counts> folded = new LinkedHashMap<>();
      for (String segment : new TreeSet<>(counters.segments())) {
        String label = segment.equals(ALL_SEGMENTS) ? OTHER : cap.label(segment);
        folded.merge(label, counters.segment(segment), Counts::plus);
      }
      folded.forEach((label, counts) -> observe(arm.flagKey(), armLabels, label, counts));
    }
  }

  private void observe(String flagKey, Attributes armLabels, String segment, Counts counts) {
    long[] request = counts.requests();
    long[] success = counts.successes();
    long[] error = counts.errors();
    long[] refusal = counts.refusals();
    long[] exposure = counts.firstExposures();
    long[] measured = counts.latencyCounts();
    long[][] judge = {
      counts.judged(),
      counts.judgeScoreMillis(),
      counts.judgeScoreSquaredMicros(),
      counts.judgeFailures()
    };
    long[][] slower = new long[LATENCY_BOUND_BINS.length][];
    for (int i = 0; i < slower.length; i++) {
      slower[i] = counts.latencyAbove(LATENCY_BOUND_BINS[i]);
    }
    Map<String, long[]> feedbackByLabel = foldFeedback(flagKey, counts);
    for (int k = 0; k < UnitBuckets.COUNT; k++) {
      Attributes labels =
          armLabels.toBuilder().put(SEGMENT, segment).put(UNIT_BUCKET, Integer.toString(k)).build();
      requests.record(request[k], labels);
      successes.record(success[k], labels);
      errors.record(error[k], labels);
      refusals.record(refusal[k], labels);
      firstExposures.record(exposure[k], labels);
      judged.record(judge[0][k], labels);
      judgeScore.record(judge[1][k], labels);
      judgeScoreSquared.record(judge[2][k], labels);
      judgeFailures.record(judge[3][k], labels);
      for (int i = 0; i < slower.length; i++) {
        double seconds = LatencyBins.upperBoundMillis(LATENCY_BOUND_BINS[i]) / 1000;
        latency.record(
            measured[k] - slower[i][k],
            labels.toBuilder().put(LE, Double.toString(seconds)).build());
      }
      latency.record(measured[k], labels.toBuilder().put(LE, "+Inf").build());
      for (Map.Entry<String, long[]> named : feedbackByLabel.entrySet()) {
        feedback.record(
            named.getValue()[k], labels.toBuilder().put(FEEDBACK_NAME, named.getKey()).build());
      }
    }
  }

  private Map<String, long[]> foldFeedback(String flagKey, Counts counts) {
    LabelCap cap = feedbackByFlag.computeIfAbsent(flagKey, f -> new LabelCap(maxSegments, OTHER));
    Map<String, long[]> byLabel = new LinkedHashMap<>();
    for (String name : new TreeSet<>(counts.feedbackNames())) {
      long[] perBucket = counts.feedback(name);
      byLabel.merge(
          cap.label(name),
          perBucket,
          (a, b) -> {
            long[] sum = a.clone();
            for (int k = 0; k < sum.length; k++) {
              sum[k] += b[k];
            }
            return sum;
          });
    }
    return byLabel;
  }

  /** Stops reporting (the router's counters stay). */
  @Override
  public void close() {
    callback.close();
  }
}
