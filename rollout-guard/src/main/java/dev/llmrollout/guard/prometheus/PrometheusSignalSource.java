package dev.llmrollout.guard.prometheus;

import dev.llmrollout.guard.prometheus.PrometheusQueries.Sample;
import dev.llmrollout.signals.ArmCounters;
import dev.llmrollout.signals.Counts;
import dev.llmrollout.signals.LatencyBins;
import dev.llmrollout.signals.SignalsUnavailableException;
import dev.llmrollout.signals.UnitBuckets;
import dev.llmrollout.signals.WindowedSignalSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The guard's signals of a whole fleet, read from Prometheus: every routing process exports its
 * counters (docs/metrics.md), Prometheus scrapes them, and each window is {@code sum by (segment,
 * bucket) (increase(metric{flag, variant}[range] @ end))}, which adds up the processes and adjusts
 * for restarts (the difference of two instant queries would not).
 *
 * <p>Before any window it checks that the data is complete now: Prometheus answers, it knows at
 * least {@link Settings#minTargets} targets of the job, every one is up and was scraped within
 * {@link Settings#staleAfter}. Otherwise it throws {@link SignalsUnavailableException}, and the
 * guard holds. Counts are {@code increase()} estimates (extrapolated to the window's edges),
 * rounded to whole requests; latency comes at the exported bounds only.
 */
public final class PrometheusSignalSource implements WindowedSignalSource {
  private static final String PREFIX = "llm_rollout_guard_";
  static final String SEGMENT = "llm_rollout_segment";
  static final String BUCKET = "llm_rollout_unit_bucket";
  static final String ALL_SEGMENTS = "_all";

  /**
   * Where and what to read.
   *
   * @param baseUri Prometheus, such as {@code http://127.0.0.1:9090}
   * @param job the scrape job of the routing processes (the {@code job} label)
   * @param minTargets how many targets of the job must be known and up
   * @param staleAfter the longest time since a target's last scrape (about 3 scrape intervals)
   * @param counterLookback the window {@link #counters} reads (segments seen, shadow counts)
   * @param timeout per query
   * @param auth the credentials every query sends (its toString hides the secret)
   */
  public record Settings(
      URI baseUri,
      String job,
      int minTargets,
      Duration staleAfter,
      Duration counterLookback,
      Duration timeout,
      PrometheusAuth auth) {
    public Settings {
      Objects.requireNonNull(baseUri, "baseUri");
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(auth, "auth");
      if (minTargets < 1) {
        throw new IllegalArgumentException("minTargets: expected 1 or more, got " + minTargets);
      }
    }

    /** Defaults: 1 target, stale after 45 s, counters over 1 h, 10 s per query, no credentials. */
    public static Settings of(URI baseUri, String job) {
      return new Settings(
          baseUri,
          job,
          1,
          Duration.ofSeconds(45),
          Duration.ofHours(1),
          Duration.ofSeconds(10),
          PrometheusAuth.none());
    }
  }

  private final Settings settings;
  private final PrometheusQueries queries;
  private final Clock clock;

  public PrometheusSignalSource(Settings settings, HttpClient http, Clock clock) {
    this.settings = settings;
    this.queries =
        new PrometheusQueries(settings.baseUri(), settings.auth(), http, settings.timeout());
    this.clock = clock;
  }

  @Override
  public ArmCounters counters(String flagKey, String variant) {
    Instant now = clock.instant();
    return window(flagKey, variant, now.minus(settings.counterLookback()), now);
  }

  @Override
  public ArmCounters window(String flagKey, String variant, Instant start, Instant end) {
    requireCompleteData();
    String selector =
        "{feature_flag_key="
            + PrometheusQueries.literal(flagKey)
            + ",feature_flag_result_variant="
            + PrometheusQueries.literal(variant)
            + "}";
    Map<String, Counts.Builder> bySegment = new HashMap<>();
    String range = range(start, end);
    String by = SEGMENT + ", " + BUCKET;
    for (String counter : List.of("requests", "successes", "errors", "refusals")) {
      for (Sample s : increase(counter, selector, range, by, end)) {
        long n = Math.round(s.value());
        Counts.Builder b = builder(bySegment, s);
        int k = bucket(s);
        switch (counter) {
          case "requests" -> b.add(k, n, 0, 0, 0);
          case "successes" -> b.add(k, 0, n, 0, 0);
          case "errors" -> b.add(k, 0, 0, n, 0);
          default -> b.add(k, 0, 0, 0, n);
        }
      }
    }
    for (Sample s : increase("first_exposures", selector, range, by, end)) {
      builder(bySegment, s).firstExposures(bucket(s), Math.round(s.value()));
    }
    addJudgeScores(bySegment, selector, range, by, end);
    for (Sample s :
        increase("feedback", selector, range, by + ", llm_rollout_feedback_name", end)) {
      builder(bySegment, s)
          .feedback(bucket(s), s.labels().get("llm_rollout_feedback_name"), Math.round(s.value()));
    }
    addLatency(bySegment, increase("latency_at_most", selector, range, by + ", le", end));
    Map<String, Counts> segments = new HashMap<>();
    bySegment.forEach(
        (segment, b) -> {
          if (!segment.equals(ALL_SEGMENTS)) {
            segments.put(segment, b.build());
          }
        });
    Counts.Builder all = bySegment.get(ALL_SEGMENTS);
    return new ArmCounters(all == null ? Counts.EMPTY : all.build(), segments);
  }

  /**
   * The range and time of a window's queries, {@code [<seconds>s] @ <end>}: whole seconds, at least
   * one, as Prometheus's range selectors take them.
   */
  static String range(Instant start, Instant end) {
    long seconds = Math.max(1, Duration.between(start, end).toSeconds());
    return "[" + seconds + "s] @ " + end.getEpochSecond();
  }

  /**
   * The fleet's shadow pairs from the same Prometheus, with the same credentials and the same
   * completeness check before every window: what a controller's shadow gate judges.
   */
  public PrometheusPairSignalSource shadowPairs() {
    return new PrometheusPairSignalSource(queries, this::requireCompleteData, clock, settings);
  }

  private void addJudgeScores(
      Map<String, Counts.Builder> bySegment,
      String selector,
      String range,
      String by,
      Instant end) {
    List<String> counters =
        List.of("judged", "judge_score_millis", "judge_score_squared_micros", "judge_failures");
    for (int i = 0; i < counters.size(); i++) {
      for (Sample s : increase(counters.get(i), selector, range, by, end)) {
        long[] add = new long[counters.size()];
        add[i] = Math.round(s.value());
        builder(bySegment, s).judgeScores(bucket(s), add[0], add[1], add[2], add[3]);
      }
    }
  }

  private List<Sample> increase(
      String counter, String selector, String range, String by, Instant end) {
    return queries.vector(
        "sum by (" + by + ") (increase(" + PREFIX + counter + "_total" + selector + range + "))",
        end);
  }

  private static void addLatency(Map<String, Counts.Builder> bySegment, List<Sample> samples) {
    binCounts(
        samples,
        (segment, bucket, bin, count) ->
            bySegment
                .computeIfAbsent(segment, x -> new Counts.Builder())
                .latency(bucket, bin, count));
  }

  /** Where {@link #binCounts} puts the count of one latency bin of one segment and bucket. */
  interface BinSink {
    void add(String segment, int bucket, int bin, long count);
  }

  /**
   * Cumulative counts at the exported bounds ({@code le}) become counts in the bins at those bounds
   * (the rest, slower than the last bound, in the open-ended last bin): counts above a bound stay
   * exact. Shared with the shadow pairs' latency ({@link PrometheusPairSignalSource}).
   */
  static void binCounts(List<Sample> samples, BinSink sink) {
    List<Integer> bounds = LatencyBins.EXPORTED_BOUND_BINS;
    Map<String, long[]> cumulative = new HashMap<>();
    for (Sample s : samples) {
      String le = s.labels().get("le");
      int index = le.equals("+Inf") ? bounds.size() : boundIndex(le);
      if (index < 0) {
        continue;
      }
      String key = s.labels().get(SEGMENT) + '\0' + s.labels().get(BUCKET);
      cumulative.computeIfAbsent(key, x -> new long[bounds.size() + 1])[index] =
          Math.round(s.value());
    }
    cumulative.forEach(
        (key, counts) -> {
          String[] parts = key.split("\0", 2);
          int bucket = bucket(parts[1]);
          long below = 0;
          for (int i = 0; i <= bounds.size(); i++) {
            int bin = i < bounds.size() ? bounds.get(i) : LatencyBins.COUNT - 1;
            long inBin = Math.max(0, counts[i] - below);
            if (inBin > 0) {
              sink.add(parts[0], bucket, bin, inBin);
            }
            below = Math.max(below, counts[i]);
          }
        });
  }

  private static int boundIndex(String le) {
    double seconds = PrometheusQueries.number(le);
    List<Integer> bounds = LatencyBins.EXPORTED_BOUND_BINS;
    for (int i = 0; i < bounds.size(); i++) {
      if (Math.abs(LatencyBins.upperBoundMillis(bounds.get(i)) / 1000 - seconds) < 1e-9) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Throws unless Prometheus answers a query now (for a controller's readiness: it can reach its
   * signals, whether or not they are complete).
   *
   * @throws SignalsUnavailableException naming why Prometheus did not answer
   */
  public void ping() {
    queries.vector("vector(1)", clock.instant());
  }

  /**
   * Throws unless Prometheus answers and every target of the job is known, up and fresh now: what
   * every window checks first (and a controller's health shows).
   *
   * @throws SignalsUnavailableException naming what is missing or stale
   */
  public void requireCompleteData() {
    Instant now = clock.instant();
    String up = "up{job=" + PrometheusQueries.literal(settings.job()) + "}";
    List<Sample> targets = queries.vector(up, now);
    if (targets.size() < settings.minTargets()) {
      throw new SignalsUnavailableException(
          "Prometheus knows "
              + targets.size()
              + " target(s) of job '"
              + settings.job()
              + "', expected at least "
              + settings.minTargets());
    }
    for (Sample target : targets) {
      if (target.value() != 1) {
        throw new SignalsUnavailableException(
            "target "
                + target.labels().get("instance")
                + " of job '"
                + settings.job()
                + "' is down (up=0)");
      }
    }
    for (Sample age : queries.vector("time() - timestamp(" + up + ")", now)) {
      if (age.value() > settings.staleAfter().toSeconds()) {
        throw new SignalsUnavailableException(
            "target "
                + age.labels().get("instance")
                + " last scraped "
                + Math.round(age.value())
                + " s ago (stale after "
                + settings.staleAfter().toSeconds()
                + " s)");
      }
    }
  }

  private static Counts.Builder builder(Map<String, Counts.Builder> bySegment, Sample s) {
    return bySegment.computeIfAbsent(s.labels().get(SEGMENT), x -> new Counts.Builder());
  }

  static int bucket(Sample s) {
    return bucket(s.labels().get(BUCKET));
  }

  private static int bucket(String label) {
    int k = Integer.parseInt(label);
    if (k < 0 || k >= UnitBuckets.COUNT) {
      throw new SignalsUnavailableException(
          "unit bucket "
              + k
              + " outside 0.."
              + (UnitBuckets.COUNT - 1)
              + ": exporter and guard disagree");
    }
    return k;
  }
}
