package dev.llmrollout.signals;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongBinaryOperator;

/**
 * The counters of shadow pairs (one primary/candidate pair of calls on the same request) per {@link
 * UnitBuckets unit bucket}: discordances (one side refused, failed or broke JSON where the other
 * did not), sums of tokens, answer lengths and costs and latency histograms over pairs that both
 * answered, and the judge's verdicts on the judged sample. Both calls of a pair land in the
 * targeting key's bucket, so a paired difference's variance is taken between buckets like every
 * other signal's. Immutable; adds up across processes and subtracts to windows.
 */
public final class PairCounts {
  /** No pair at all. */
  public static final PairCounts EMPTY = new Builder().build();

  private static final int K = UnitBuckets.COUNT;

  /**
   * One counter per bucket. The guard's paired tests take their variance between buckets from most
   * of them; the few it reads only in total ({@link #perBucket()} false) are exported without the
   * unit bucket, which saves 63 series per field and segment on every routing process.
   */
  public enum Field {
    /** Pairs recorded. */
    PAIRS,
    /** Pairs where the candidate refused and the primary did not. */
    CANDIDATE_ONLY_REFUSALS,
    /** Pairs where the primary refused and the candidate did not. */
    PRIMARY_ONLY_REFUSALS,
    /** Pairs where the candidate's call failed and the primary's did not. */
    CANDIDATE_ONLY_ERRORS,
    /** Pairs where the primary's call failed and the candidate's did not. */
    PRIMARY_ONLY_ERRORS,
    /** Pairs whose request asked for JSON. */
    JSON_REQUESTED,
    /** Of those, pairs where only the candidate's answer is not valid JSON. */
    CANDIDATE_ONLY_INVALID_JSON,
    /** Of those, pairs where only the primary's answer is not valid JSON. */
    PRIMARY_ONLY_INVALID_JSON,
    /** Pairs where both calls answered. */
    ANSWERED,
    /** Tokens of the primary over answered pairs. */
    PRIMARY_TOKENS,
    /** Tokens of the candidate over answered pairs. */
    CANDIDATE_TOKENS,
    /** Answer characters of the primary over answered pairs. */
    PRIMARY_CHARS(false),
    /** Answer characters of the candidate over answered pairs. */
    CANDIDATE_CHARS(false),
    /** Pairs the judge gave a verdict on. */
    JUDGED,
    /** Judged pairs where the judge preferred the candidate. */
    CANDIDATE_PREFERRED,
    /** Judged pairs where the judge preferred the primary. */
    PRIMARY_PREFERRED,
    /** The judge's scores (-1 primary much better .. 1 candidate much better), in thousandths. */
    JUDGE_SCORE_MILLIS,
    /** The squares of the judge's scores, in millionths. */
    JUDGE_SCORE_SQUARED_MICROS(false),
    /** Judge calls that failed or answered unusably: never a verdict for either side. */
    JUDGE_FAILURES(false),
    /** Answered pairs whose two calls both have a price (their endpoints price their models). */
    PRICED,
    /** The primary's cost over priced pairs, in billionths of a US dollar. */
    PRIMARY_COST_NANO_USD,
    /** The candidate's cost over priced pairs, in billionths of a US dollar. */
    CANDIDATE_COST_NANO_USD,
    /** Answered pairs whose two calls were both streamed (the primary was, so the shadow was). */
    STREAMED,
    /** The primary's time to first token over streamed pairs, in microseconds. */
    PRIMARY_FIRST_TOKEN_MICROS,
    /** The candidate's time to first token over streamed pairs, in microseconds. */
    CANDIDATE_FIRST_TOKEN_MICROS;

    private final boolean perBucket;

    Field() {
      this(true);
    }

    Field(boolean perBucket) {
      this.perBucket = perBucket;
    }

    /**
     * Whether a reader needs this counter per unit bucket. False for the answer lengths (no rule
     * reads them), the judge's squared scores (only their sum bounds a variance from below) and the
     * judge failures (only their share of judge calls is reported): a window read through
     * Prometheus holds their totals in bucket 0.
     */
    public boolean perBucket() {
      return perBucket;
    }
  }

  private final Map<Field, long[]> fields;
  private final long[] primaryLatency;
  private final long[] candidateLatency;

  private PairCounts(Builder b) {
    this.fields = b.fields;
    this.primaryLatency = b.primaryLatency;
    this.candidateLatency = b.candidateLatency;
  }

  /** One counter per bucket (a copy). */
  public long[] get(Field field) {
    return fields.get(field).clone();
  }

  /** The total of one counter over buckets. */
  public long total(Field field) {
    long sum = 0;
    for (long v : fields.get(field)) {
      sum += v;
    }
    return sum;
  }

  /** Answered pairs per bucket whose primary took longer than bin {@code bin}'s upper bound. */
  public long[] primaryLatencyAbove(int bin) {
    return above(primaryLatency, bin);
  }

  /** Answered pairs per bucket whose candidate took longer than bin {@code bin}'s upper bound. */
  public long[] candidateLatencyAbove(int bin) {
    return above(candidateLatency, bin);
  }

  /** The primary's latency histogram over answered pairs, summed over buckets. */
  public long[] primaryLatencyHistogram() {
    long[] histogram = new long[LatencyBins.COUNT];
    for (int k = 0; k < K; k++) {
      for (int bin = 0; bin < LatencyBins.COUNT; bin++) {
        histogram[bin] += primaryLatency[k * LatencyBins.COUNT + bin];
      }
    }
    return histogram;
  }

  /** The count of one latency bin in one bucket, primary or candidate side (for exports). */
  public long latency(boolean candidate, int bucket, int bin) {
    return (candidate ? candidateLatency : primaryLatency)[bucket * LatencyBins.COUNT + bin];
  }

  private static long[] above(long[] latency, int bin) {
    long[] counts = new long[K];
    for (int k = 0; k < K; k++) {
      for (int b = bin + 1; b < LatencyBins.COUNT; b++) {
        counts[k] += latency[k * LatencyBins.COUNT + b];
      }
    }
    return counts;
  }

  /** What two processes saw together. */
  public PairCounts plus(PairCounts other) {
    return combine(other, Long::sum);
  }

  /** What happened since the snapshot {@code earlier}. */
  public PairCounts minus(PairCounts earlier) {
    return combine(earlier, (a, b) -> a - b);
  }

  private PairCounts combine(PairCounts other, LongBinaryOperator op) {
    Builder b = new Builder();
    for (Field field : Field.values()) {
      apply(fields.get(field), other.fields.get(field), b.fields.get(field), op);
    }
    apply(primaryLatency, other.primaryLatency, b.primaryLatency, op);
    apply(candidateLatency, other.candidateLatency, b.candidateLatency, op);
    return b.build();
  }

  private static void apply(long[] a, long[] b, long[] into, LongBinaryOperator op) {
    for (int i = 0; i < into.length; i++) {
      into[i] = op.applyAsLong(a[i], b[i]);
    }
  }

  /** Fills the counters bucket by bucket; for recorders, snapshots and tests. */
  public static final class Builder {
    private final Map<Field, long[]> fields = new EnumMap<>(Field.class);
    private final long[] primaryLatency = new long[K * LatencyBins.COUNT];
    private final long[] candidateLatency = new long[K * LatencyBins.COUNT];

    public Builder() {
      for (Field field : Field.values()) {
        fields.put(field, new long[K]);
      }
    }

    /** Adds {@code count} to one counter of one bucket. */
    public Builder add(Field field, int bucket, long count) {
      fields.get(field)[bucket] += count;
      return this;
    }

    /** Adds {@code count} to one latency bin of one bucket, primary or candidate side. */
    public Builder latency(boolean candidate, int bucket, int bin, long count) {
      (candidate ? candidateLatency : primaryLatency)[bucket * LatencyBins.COUNT + bin] += count;
      return this;
    }

    /** Adds one pair of a unit in {@code bucket}. */
    public Builder pair(int bucket, PairObservation pair) {
      PairFields.of(pair).forEach((field, count) -> add(field, bucket, count));
      if (pair.bothAnswered()) {
        latency(false, bucket, LatencyBins.of(pair.primaryLatencyMillis()), 1);
        latency(true, bucket, LatencyBins.of(pair.candidateLatencyMillis()), 1);
      }
      return this;
    }

    /** Adds one judge verdict on a pair of a unit in {@code bucket}. */
    public Builder verdict(int bucket, JudgePreference preference, double score) {
      PairFields.verdict(preference, score).forEach((field, count) -> add(field, bucket, count));
      return this;
    }

    public PairCounts build() {
      return new PairCounts(this);
    }
  }
}
