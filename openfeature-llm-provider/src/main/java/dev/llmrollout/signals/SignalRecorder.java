package dev.llmrollout.signals;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Records {@link Counts} per flag, variant, segment and unit bucket in one process; a {@link
 * SignalSource} for the guard. Writing never locks (atomic array increments).
 *
 * <p>First exposures: the recorder remembers the 64-bit unit hash of the targeting keys it has seen
 * per flag ({@link SeenUnits}: a Bloom filter of about 1.2 MB per flag, replaced after 2^20 units,
 * so memory stays bounded however many keys arrive), and counts a unit once, in the arm its first
 * request went to. A fleet of processes counts a unit once per process that sees it, and one
 * process counts it again after a replacement; such repeats fall into the unit's bucket and its
 * current arm, and the units the filter misses (under 1 %) are missed in either arm alike, so the
 * arms' shares of first exposures stay the split the sample ratio test expects, and the counters
 * stay plain sums across processes.
 */
public final class SignalRecorder implements SignalSource {
  private static final String ALL_SEGMENTS = "";

  private record ArmKey(String flagKey, String variant, String segment) {}

  private final Map<ArmKey, LiveCounts> arms = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> segmentsByArm = new ConcurrentHashMap<>();
  private final Map<String, SeenUnits> seenUnits = new ConcurrentHashMap<>();

  /**
   * Counts one request of {@code variant}; {@code segment} and {@code targetingKey} may be null (a
   * request without a key is its own unit, never counted as an exposure).
   */
  public void record(
      String flagKey,
      String variant,
      String segment,
      String targetingKey,
      Observation observation) {
    int bucket = UnitBuckets.of(targetingKey);
    boolean first =
        targetingKey != null
            && !targetingKey.isEmpty()
            && seenUnits
                .computeIfAbsent(flagKey, k -> new SeenUnits())
                .firstSighting(UnitBuckets.unitHash(targetingKey));
    for (LiveCounts counts : arms(flagKey, variant, segment)) {
      counts.request(bucket, observation);
      if (first) {
        counts.firstExposures.incrementAndGet(bucket);
      }
    }
  }

  /** Counts one feedback event named {@code name} about {@code variant}. */
  public void recordFeedback(
      String flagKey, String variant, String segment, String targetingKey, String name) {
    int bucket = UnitBuckets.of(targetingKey);
    for (LiveCounts counts : arms(flagKey, variant, segment)) {
      counts
          .feedback
          .computeIfAbsent(name, n -> new AtomicLongArray(UnitBuckets.COUNT))
          .incrementAndGet(bucket);
    }
  }

  /** Counts one live judge score (0 to 1) of an answer {@code variant} gave. */
  public void recordJudgeScore(
      String flagKey, String variant, String segment, String targetingKey, double score) {
    int bucket = UnitBuckets.of(targetingKey);
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("judge score: expected 0 to 1, got " + score);
    }
    long millis = Math.round(score * 1000);
    for (LiveCounts counts : arms(flagKey, variant, segment)) {
      counts.judgeScoreMillis.addAndGet(bucket, millis);
      counts.judgeScoreSquaredMicros.addAndGet(bucket, millis * millis);
      counts.judged.incrementAndGet(bucket);
    }
  }

  /** Counts one live judge call on an answer of {@code variant} that gave no usable score. */
  public void recordJudgeFailure(
      String flagKey, String variant, String segment, String targetingKey) {
    int bucket = UnitBuckets.of(targetingKey);
    for (LiveCounts counts : arms(flagKey, variant, segment)) {
      counts.judgeFailures.incrementAndGet(bucket);
    }
  }

  @Override
  public ArmCounters counters(String flagKey, String variant) {
    LiveCounts all = arms.get(new ArmKey(flagKey, variant, ALL_SEGMENTS));
    if (all == null) {
      return ArmCounters.EMPTY;
    }
    Map<String, Counts> segments = new HashMap<>();
    for (String segment : segmentsByArm.getOrDefault(flagKey + '\0' + variant, Set.of())) {
      LiveCounts counts = arms.get(new ArmKey(flagKey, variant, segment));
      if (counts != null) {
        segments.put(segment, counts.snapshot());
      }
    }
    return new ArmCounters(all.snapshot(), segments);
  }

  private LiveCounts[] arms(String flagKey, String variant, String segment) {
    LiveCounts all = live(new ArmKey(flagKey, variant, ALL_SEGMENTS));
    if (segment == null || segment.isEmpty()) {
      return new LiveCounts[] {all};
    }
    segmentsByArm
        .computeIfAbsent(flagKey + '\0' + variant, k -> ConcurrentHashMap.newKeySet())
        .add(segment);
    return new LiveCounts[] {all, live(new ArmKey(flagKey, variant, segment))};
  }

  private LiveCounts live(ArmKey key) {
    LiveCounts counts = arms.get(key);
    return counts != null ? counts : arms.computeIfAbsent(key, k -> new LiveCounts());
  }

  /** The live, lock-free counterpart of {@link Counts}. */
  private static final class LiveCounts {
    private static final int K = UnitBuckets.COUNT;
    final AtomicLongArray requests = new AtomicLongArray(K);
    final AtomicLongArray successes = new AtomicLongArray(K);
    final AtomicLongArray errors = new AtomicLongArray(K);
    final AtomicLongArray refusals = new AtomicLongArray(K);
    final AtomicLongArray firstExposures = new AtomicLongArray(K);
    final AtomicLongArray judged = new AtomicLongArray(K);
    final AtomicLongArray judgeScoreMillis = new AtomicLongArray(K);
    final AtomicLongArray judgeScoreSquaredMicros = new AtomicLongArray(K);
    final AtomicLongArray judgeFailures = new AtomicLongArray(K);
    final Map<String, AtomicLongArray> feedback = new ConcurrentHashMap<>();
    final AtomicLongArray latency = new AtomicLongArray(K * LatencyBins.COUNT);
    volatile boolean latencyMeasured;

    void request(int bucket, Observation observation) {
      if (!Double.isNaN(observation.latencyMillis())) {
        latencyMeasured = true;
        latency.incrementAndGet(
            bucket * LatencyBins.COUNT + LatencyBins.of(observation.latencyMillis()));
      }
      count(successes, bucket, observation.success());
      count(errors, bucket, observation.error());
      count(refusals, bucket, observation.refusal());
      // Requests last: a concurrent snapshot never sees more outcomes than requests.
      requests.incrementAndGet(bucket);
    }

    private static void count(AtomicLongArray counter, int bucket, boolean condition) {
      if (condition) {
        counter.incrementAndGet(bucket);
      }
    }

    Counts snapshot() {
      Counts.Builder b = new Counts.Builder();
      for (int k = 0; k < K; k++) {
        b.add(k, requests.get(k), successes.get(k), errors.get(k), refusals.get(k));
        b.firstExposures(k, firstExposures.get(k));
        b.judgeScores(
            k,
            judged.get(k),
            judgeScoreMillis.get(k),
            judgeScoreSquaredMicros.get(k),
            judgeFailures.get(k));
        for (int bin = 0; latencyMeasured && bin < LatencyBins.COUNT; bin++) {
          long count = latency.get(k * LatencyBins.COUNT + bin);
          if (count > 0) {
            b.latency(k, bin, count);
          }
        }
      }
      feedback.forEach(
          (name, counts) -> {
            for (int k = 0; k < K; k++) {
              b.feedback(k, name, counts.get(k));
            }
          });
      return b.build();
    }
  }
}
