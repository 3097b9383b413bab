package dev.llmrollout.guard.prometheus;

import dev.llmrollout.guard.prometheus.PrometheusQueries.Sample;
import dev.llmrollout.signals.PairCounters;
import dev.llmrollout.signals.PairCounts;
import dev.llmrollout.signals.PairCounts.Field;
import dev.llmrollout.signals.WindowedPairSignalSource;
import java.time.Clock;
import java.time.Instant;
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
 * and a process restarting inside the window is a counter reset like any other.
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
    String selector =
        "{feature_flag_key="
            + PrometheusQueries.literal(flagKey)
            + ",llm_rollout_primary_variant="
            + PrometheusQueries.literal(primary)
            + ",llm_rollout_shadow_variant="
            + PrometheusQueries.literal(candidate)
            + "}";
    String range = PrometheusSignalSource.range(start, end);
    String by = PrometheusSignalSource.SEGMENT + ", " + PrometheusSignalSource.BUCKET;
    Map<String, PairCounts.Builder> bySegment = new HashMap<>();
    for (Field field : Field.values()) {
      for (Sample s : sum("increase", metric(field), selector, range, by, end)) {
        PairCounts.Builder segment =
            builder(bySegment, s.labels().get(PrometheusSignalSource.SEGMENT));
        int bucket = PrometheusSignalSource.bucket(s);
        long value = Math.round(s.value());
        segment.add(field, bucket, value);
        if (field == Field.JUDGED) {
          segment.add(Field.JUDGE_SCORE_MILLIS, bucket, -JUDGE_SCORE_OFFSET_MILLIS * value);
        }
      }
    }
    addLatency(
        bySegment,
        false,
        sum(
            "increase",
            PREFIX + "primary_latency_at_most_total",
            selector,
            range,
            by + ", le",
            end));
    addLatency(
        bySegment,
        true,
        sum(
            "increase",
            PREFIX + "shadow_latency_at_most_total",
            selector,
            range,
            by + ", le",
            end));
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

  private List<Sample> sum(
      String function, String metric, String selector, String range, String by, Instant end) {
    return queries.vector(
        "sum by (" + by + ") (" + function + "(" + metric + selector + range + "))", end);
  }

  private static PairCounts.Builder builder(
      Map<String, PairCounts.Builder> bySegment, String segment) {
    return bySegment.computeIfAbsent(segment, x -> new PairCounts.Builder());
  }
}
