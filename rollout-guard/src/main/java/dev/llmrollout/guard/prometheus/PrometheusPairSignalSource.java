package dev.llmrollout.guard.prometheus;

import dev.llmrollout.guard.prometheus.PrometheusQueries.Sample;
import dev.llmrollout.signals.PairCounters;
import dev.llmrollout.signals.PairCounts;
import dev.llmrollout.signals.PairCounts.Field;
import dev.llmrollout.signals.WindowedPairSignalSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shadow pairs of a whole fleet, read from Prometheus: every routing process exports its pair
 * counters ({@code llm_rollout_shadow_<field>_total}, docs/metrics.md), and each window is {@code
 * sum by (segment, bucket) (increase(llm_rollout_shadow_<field>_total{flag, primary,
 * shadow}[range] @ end))}, per field, plus both sides' latency at the exported bounds: plain sums
 * that add up the processes and survive their restarts, like {@link PrometheusSignalSource}'s. The
 * judge's score sum moves both ways (scores run from -1 to 1), which no counter may, so it is
 * exported offset by 1 per judged pair ({@code llm_rollout_shadow_judge_score_offset_millis_total},
 * 0 to 2 per judged pair): its increase less 1,000 per judged pair in the same window is the sum,
 * and a process restarting inside the window is a counter reset like any other. Fields the guard
 * reads only in total ({@link Field#perBucket()} false) are exported without the unit bucket and
 * come back in bucket 0; the latency's {@code le="+Inf"} count is {@code answered}, which the
 * exporters no longer repeat as a latency point (an older exporter's is ignored, not counted
 * twice).
 *
 * <p>Every window first checks that the data is complete now ({@link
 * PrometheusSignalSource#requireCompleteData}); otherwise it throws {@link
 * dev.llmrollout.signals.SignalsUnavailableException} and the guard holds the shadow phase. Made by
 * {@link PrometheusSignalSource#shadowPairs}, sharing its queries and credentials.
 */
public final class PrometheusPairSignalSource implements WindowedPairSignalSource {
  private static final String PREFIX = "llm_rollout_shadow_";

  /** What each judged pair adds to the exported score sum so that it never falls. */
  private static final long JUDGE_SCORE_OFFSET_MILLIS = 1000;

  private final PrometheusQueries queries;
  private final Runnable requireCompleteData;
  private final Clock clock;
  private final PrometheusSignalSource.Settings settings;

  PrometheusPairSignalSource(
      PrometheusQueries queries,
      Runnable requireCompleteData,
      Clock clock,
      PrometheusSignalSource.Settings settings) {
    this.queries = queries;
    this.requireCompleteData = requireCompleteData;
    this.clock = clock;
    this.settings = settings;
  }

  /** The pairs of the last {@code counterLookback}: a window, like the live source's counters. */
  @Override
  public PairCounters pairs(String flagKey, String primary, String candidate) {
    Instant now = clock.instant();
    return window(flagKey, primary, candidate, now.minus(settings.counterLookback()), now);
  }

  @Override
  public PairCounters window(
      String flagKey, String primary, String candidate, Instant start, Instant end) {
    requireCompleteData.run();
    String matchers =
        "feature_flag_key="
            + PrometheusQueries.literal(flagKey)
            + ",llm_rollout_primary_variant="
            + PrometheusQueries.literal(primary)
            + ",llm_rollout_shadow_variant="
            + PrometheusQueries.literal(candidate);
    String selector = "{" + matchers + "}";
    String range = PrometheusSignalSource.range(start, end);
    String by = PrometheusSignalSource.SEGMENT + ", " + PrometheusSignalSource.BUCKET;
    Map<String, PairCounts.Builder> bySegment = new HashMap<>();
    List<Sample> answered = List.of();
    for (Field field : Field.values()) {
      List<Sample> samples =
          sum(
              metric(field),
              selector,
              range,
              field.perBucket() ? by : PrometheusSignalSource.SEGMENT,
              end);
      if (field == Field.ANSWERED) {
        answered = samples;
      }
      for (Sample s : samples) {
        PairCounts.Builder segment =
            builder(bySegment, s.labels().get(PrometheusSignalSource.SEGMENT));
        int bucket = field.perBucket() ? PrometheusSignalSource.bucket(s) : 0;
        long value = Math.round(s.value());
        segment.add(field, bucket, value);
        if (field == Field.JUDGED) {
          segment.add(Field.JUDGE_SCORE_MILLIS, bucket, -JUDGE_SCORE_OFFSET_MILLIS * value);
        }
      }
    }
    String boundsSelector = "{" + matchers + ",le!=\"+Inf\"}";
    for (boolean candidateSide : new boolean[] {false, true}) {
      String side = candidateSide ? "shadow" : "primary";
      List<Sample> samples =
          new ArrayList<>(
              sum(
                  PREFIX + side + "_latency_at_most_total",
                  boundsSelector,
                  range,
                  by + ", le",
                  end));
      answered.forEach(a -> samples.add(atInfinity(a)));
      addLatency(bySegment, candidateSide, samples);
    }
    Map<String, PairCounts> segments = new HashMap<>();
    bySegment.forEach(
        (segment, b) -> {
          if (!segment.equals(PrometheusSignalSource.ALL_SEGMENTS)) {
            segments.put(segment, b.build());
          }
        });
    PairCounts.Builder all = bySegment.get(PrometheusSignalSource.ALL_SEGMENTS);
    return new PairCounters(all == null ? PairCounts.EMPTY : all.build(), segments);
  }

  private static String metric(Field field) {
    String name =
        field == Field.JUDGE_SCORE_MILLIS
            ? "judge_score_offset_millis"
            : field.name().toLowerCase(Locale.ROOT);
    return PREFIX + name + "_total";
  }

  private static void addLatency(
      Map<String, PairCounts.Builder> bySegment, boolean candidate, List<Sample> samples) {
    PrometheusSignalSource.binCounts(
        samples,
        (segment, bucket, bin, count) ->
            builder(bySegment, segment).latency(candidate, bucket, bin, count));
  }

  /** An answered count as the latency's {@code le="+Inf"} count of its segment and bucket. */
  private static Sample atInfinity(Sample answered) {
    Map<String, String> labels = new HashMap<>(answered.labels());
    labels.put("le", "+Inf");
    return new Sample(labels, answered.value());
  }

  private List<Sample> sum(String metric, String selector, String range, String by, Instant end) {
    return queries.vector("sum by (" + by + ") (increase(" + metric + selector + range + "))", end);
  }

  private static PairCounts.Builder builder(
      Map<String, PairCounts.Builder> bySegment, String segment) {
    return bySegment.computeIfAbsent(segment, x -> new PairCounts.Builder());
  }
}
