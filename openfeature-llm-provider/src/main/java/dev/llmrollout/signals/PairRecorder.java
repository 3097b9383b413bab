package dev.llmrollout.signals;

import dev.llmrollout.signals.PairCounts.Field;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Records {@link PairCounts} per flag, primary and candidate variant, segment and unit bucket in
 * one process; the {@link PairSignalSource} the guard's shadow gate reads. Writing never locks.
 */
public final class PairRecorder implements PairSignalSource {
  private static final String ALL_SEGMENTS = "";
  private static final int K = UnitBuckets.COUNT;

  private record PairKey(String flagKey, String primary, String candidate, String segment) {
    String arm() {
      return flagKey + '\0' + primary + '\0' + candidate;
    }
  }

  private final Map<PairKey, LivePairs> pairs = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> segmentsByPair = new ConcurrentHashMap<>();

  /** Counts one pair; {@code segment} and {@code targetingKey} may be null. */
  public void record(
      String flagKey,
      String primary,
      String candidate,
      String segment,
      String targetingKey,
      PairObservation pair) {
    int bucket = UnitBuckets.of(targetingKey);
    Map<Field, Long> add = PairFields.of(pair);
    for (LivePairs live : live(new PairKey(flagKey, primary, candidate, ALL_SEGMENTS), segment)) {
      add.forEach((field, count) -> live.counter(field).addAndGet(bucket, count));
      if (pair.bothAnswered()) {
        live.primaryLatency.incrementAndGet(at(bucket, pair.primaryLatencyMillis()));
        live.candidateLatency.incrementAndGet(at(bucket, pair.candidateLatencyMillis()));
      }
    }
  }

  /** Counts one judge verdict on a pair recorded earlier. */
  public void recordVerdict(
      String flagKey,
      String primary,
      String candidate,
      String segment,
      String targetingKey,
      JudgePreference preference,
      double score) {
    int bucket = UnitBuckets.of(targetingKey);
    Map<Field, Long> add = PairFields.verdict(preference, score);
    for (LivePairs live : live(new PairKey(flagKey, primary, candidate, ALL_SEGMENTS), segment)) {
      add.forEach((field, count) -> live.counter(field).addAndGet(bucket, count));
    }
  }

  /** Counts one judge call that gave no usable verdict: never a verdict for either side. */
  public void recordJudgeFailure(
      String flagKey, String primary, String candidate, String segment, String targetingKey) {
    int bucket = UnitBuckets.of(targetingKey);
    for (LivePairs live : live(new PairKey(flagKey, primary, candidate, ALL_SEGMENTS), segment)) {
      live.counter(Field.JUDGE_FAILURES).incrementAndGet(bucket);
    }
  }

  @Override
  public PairCounters pairs(String flagKey, String primary, String candidate) {
    PairKey allKey = new PairKey(flagKey, primary, candidate, ALL_SEGMENTS);
    LivePairs all = pairs.get(allKey);
    if (all == null) {
      return PairCounters.EMPTY;
    }
    Map<String, PairCounts> segments = new HashMap<>();
    for (String segment : segmentsByPair.getOrDefault(allKey.arm(), Set.of())) {
      LivePairs live = pairs.get(new PairKey(flagKey, primary, candidate, segment));
      if (live != null) {
        segments.put(segment, live.snapshot());
      }
    }
    return new PairCounters(all.snapshot(), segments);
  }

  /** The flag, primary and candidate of every pair stream recorded (for exports). */
  public List<List<String>> streams() {
    return pairs.keySet().stream()
        .filter(key -> key.segment().equals(ALL_SEGMENTS))
        .map(key -> List.of(key.flagKey(), key.primary(), key.candidate()))
        .toList();
  }

  private List<LivePairs> live(PairKey allKey, String segment) {
    LivePairs all = pairs.computeIfAbsent(allKey, k -> new LivePairs());
    if (segment == null || segment.isEmpty()) {
      return List.of(all);
    }
    segmentsByPair.computeIfAbsent(allKey.arm(), k -> ConcurrentHashMap.newKeySet()).add(segment);
    PairKey key = new PairKey(allKey.flagKey(), allKey.primary(), allKey.candidate(), segment);
    return List.of(all, pairs.computeIfAbsent(key, k -> new LivePairs()));
  }

  private static int at(int bucket, double millis) {
    return bucket * LatencyBins.COUNT + LatencyBins.of(millis);
  }

  /** The live, lock-free counterpart of {@link PairCounts}. */
  private static final class LivePairs {
    final Map<Field, AtomicLongArray> counters = new ConcurrentHashMap<>();
    final AtomicLongArray primaryLatency = new AtomicLongArray(K * LatencyBins.COUNT);
    final AtomicLongArray candidateLatency = new AtomicLongArray(K * LatencyBins.COUNT);

    LivePairs() {
      for (Field field : Field.values()) {
        counters.put(field, new AtomicLongArray(K));
      }
    }

    AtomicLongArray counter(Field field) {
      return counters.get(field);
    }

    PairCounts snapshot() {
      PairCounts.Builder b = new PairCounts.Builder();
      for (int k = 0; k < K; k++) {
        for (Field field : Field.values()) {
          b.add(field, k, counters.get(field).get(k));
        }
        for (int bin = 0; bin < LatencyBins.COUNT; bin++) {
          b.latency(false, k, bin, primaryLatency.get(k * LatencyBins.COUNT + bin));
          b.latency(true, k, bin, candidateLatency.get(k * LatencyBins.COUNT + bin));
        }
      }
      return b.build();
    }
  }
}
