package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.Rule;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.signals.ArmCounters;
import dev.llmrollout.signals.Counts;
import dev.llmrollout.signals.LatencyBins;
import java.util.List;

/**
 * Reads one rule's events and trials per unit bucket out of a window's counters, for all traffic,
 * one declared segment, or the "other" segment (everything not declared).
 */
final class RuleInputs {
  private final List<String> declaredSegments;

  RuleInputs(List<String> declaredSegments) {
    this.declaredSegments = List.copyOf(declaredSegments);
  }

  /** The window of {@code rule} in {@code segment}, stable and canary. */
  StratifiedComparison.Window window(Rule rule, String segment, StepWindows.Window window) {
    Counts stable = counts(window.stable(), segment);
    Counts canary = counts(window.canary(), segment);
    if (rule.metric() == dev.llmrollout.guard.Metric.LATENCY_QUANTILE) {
      int cutoff = pooledQuantileBin(stable, canary, rule.quantile());
      return new StratifiedComparison.Window(
          new BucketedRatio(stable.latencyAbove(cutoff), stable.latencyCounts()),
          new BucketedRatio(canary.latencyAbove(cutoff), canary.latencyCounts()));
    }
    return new StratifiedComparison.Window(ratio(rule, stable), ratio(rule, canary));
  }

  /** The requests of both arms in {@code segment} over every window. */
  long requests(String segment, List<StepWindows.Window> windows) {
    long total = 0;
    for (StepWindows.Window w : windows) {
      total += counts(w.stable(), segment).totalRequests();
      total += counts(w.canary(), segment).totalRequests();
    }
    return total;
  }

  private Counts counts(ArmCounters arm, String segment) {
    if (segment.equals(RuleCheck.ALL_TRAFFIC)) {
      return arm.all();
    }
    if (!segment.equals(RolloutSpec.OTHER_SEGMENT)) {
      return arm.segment(segment);
    }
    Counts other = arm.all();
    for (String declared : declaredSegments) {
      other = other.minus(arm.segment(declared));
    }
    return other;
  }

  private static BucketedRatio ratio(Rule rule, Counts arm) {
    return switch (rule.metric()) {
      case SUCCESS_RATE -> new BucketedRatio(arm.successes(), arm.requests());
      case ERROR_RATE -> new BucketedRatio(arm.errors(), arm.requests());
      case REFUSAL_RATE -> new BucketedRatio(arm.refusals(), arm.requests());
      case FEEDBACK_RATE ->
          new BucketedRatio(arm.feedback(rule.feedbackEvent()), arm.feedbackRequests());
      case JUDGE_SCORE ->
          BucketedRatio.ofScores(
              arm.judgeScoreMillis(),
              arm.judged(),
              0.001,
              total(arm.judgeScoreSquaredMicros()) * 1e-6);
      case LATENCY_QUANTILE -> throw new IllegalStateException("latency is read by bins");
    };
  }

  private static long total(long[] perBucket) {
    long sum = 0;
    for (long v : perBucket) {
      sum += v;
    }
    return sum;
  }

  /**
   * The bin holding the {@code quantile} of both arms' latencies together: a cutoff that neither
   * arm chose, so under no regression both arms' shares above it are equal in expectation.
   */
  private static int pooledQuantileBin(Counts stable, Counts canary, double quantile) {
    long[] s = stable.latencyHistogram();
    long[] c = canary.latencyHistogram();
    long total = 0;
    for (int bin = 0; bin < s.length; bin++) {
      total += s[bin] + c[bin];
    }
    long cumulative = 0;
    for (int bin = 0; bin < s.length; bin++) {
      cumulative += s[bin] + c[bin];
      if (cumulative >= quantile * total) {
        return bin;
      }
    }
    return LatencyBins.COUNT - 1;
  }
}
