package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.ShadowRule;
import dev.llmrollout.signals.LatencyBins;
import dev.llmrollout.signals.PairCounts;
import dev.llmrollout.signals.PairCounts.Field;
import dev.llmrollout.signals.UnitBuckets;

/**
 * The paired harm of one {@link ShadowRule} in one window of shadow pairs. Both calls of a pair sit
 * in the targeting key's unit bucket, so the per-bucket sums of the pair differences {@code d_k}
 * carry the within-pair correlation (what makes a paired design need fewer samples) and the
 * within-user correlation alike; the variance of the mean difference {@code D/N} is taken between
 * buckets, {@code K/(K-1) sum_k ((d_k - harm n_k)/N)^2}, never below the per-pair variance with one
 * extra discordant pair ({@code ((Q + 1)/N - harm^2)/N} from the sums of squares {@code Q}). Ratio
 * rules compare log sums with the delta method.
 *
 * @param harm the estimated harm (positive = candidate worse)
 * @param information the reciprocal of its variance (0 when untestable)
 * @param primaryValue the primary's side of the metric
 * @param candidateValue the candidate's side of the metric
 * @param trials the pairs (or judged pairs) the estimate rests on
 * @param occupiedBuckets the unit buckets holding those pairs
 */
record PairedEstimate(
    double harm,
    double information,
    double primaryValue,
    double candidateValue,
    long trials,
    int occupiedBuckets) {

  private static final int K = UnitBuckets.COUNT;

  /** The estimate of {@code rule} on {@code pairs}. */
  static PairedEstimate of(ShadowRule rule, PairCounts pairs) {
    return switch (rule.metric()) {
      case JUDGE_WIN_RATE -> winRate(pairs);
      case JUDGE_SCORE -> judgeScore(pairs);
      case REFUSAL_DISCORDANCE ->
          discordance(
              pairs, Field.PAIRS, Field.PRIMARY_ONLY_REFUSALS, Field.CANDIDATE_ONLY_REFUSALS);
      case ERROR_DISCORDANCE ->
          discordance(pairs, Field.PAIRS, Field.PRIMARY_ONLY_ERRORS, Field.CANDIDATE_ONLY_ERRORS);
      case INVALID_JSON_DISCORDANCE ->
          discordance(
              pairs,
              Field.JSON_REQUESTED,
              Field.PRIMARY_ONLY_INVALID_JSON,
              Field.CANDIDATE_ONLY_INVALID_JSON);
      case LATENCY_TAIL_RATIO -> latencyTail(pairs, rule.quantile(), rule.ratio());
      case TOKEN_RATIO ->
          logRatio(pairs, Field.ANSWERED, Field.PRIMARY_TOKENS, Field.CANDIDATE_TOKENS);
      case COST_RATIO ->
          logRatio(pairs, Field.PRICED, Field.PRIMARY_COST_NANO_USD, Field.CANDIDATE_COST_NANO_USD);
      case FIRST_TOKEN_RATIO ->
          logRatio(
              pairs,
              Field.STREAMED,
              Field.PRIMARY_FIRST_TOKEN_MICROS,
              Field.CANDIDATE_FIRST_TOKEN_MICROS);
    };
  }

  boolean tested(long minTrials, int minBuckets) {
    return trials >= minTrials
        && occupiedBuckets >= minBuckets
        && information > 0
        && Double.isFinite(information);
  }

  private static PairedEstimate discordance(
      PairCounts pairs, Field trials, Field primaryOnly, Field candidateOnly) {
    long[] n = pairs.get(trials);
    long[] p = pairs.get(primaryOnly);
    long[] c = pairs.get(candidateOnly);
    double[] d = new double[K];
    double squares = 0;
    for (int k = 0; k < K; k++) {
      d[k] = c[k] - p[k];
      squares += c[k] + p[k];
    }
    long total = sum(n);
    return mean(n, d, squares, sum(p) / (double) total, sum(c) / (double) total);
  }

  private static PairedEstimate winRate(PairCounts pairs) {
    long[] n = pairs.get(Field.JUDGED);
    long[] primary = pairs.get(Field.PRIMARY_PREFERRED);
    long[] candidate = pairs.get(Field.CANDIDATE_PREFERRED);
    double[] d = new double[K];
    double squares = 0;
    for (int k = 0; k < K; k++) {
      d[k] = (primary[k] - candidate[k]) / 2.0;
      squares += (primary[k] + candidate[k]) / 4.0;
    }
    long judged = sum(n);
    double winRate = (sum(candidate) + (judged - sum(candidate) - sum(primary)) / 2.0) / judged;
    return mean(n, d, squares, 1 - winRate, winRate);
  }

  private static PairedEstimate judgeScore(PairCounts pairs) {
    long[] n = pairs.get(Field.JUDGED);
    long[] millis = pairs.get(Field.JUDGE_SCORE_MILLIS);
    double[] d = new double[K];
    for (int k = 0; k < K; k++) {
      d[k] = -millis[k] / 1000.0;
    }
    double squares = pairs.total(Field.JUDGE_SCORE_SQUARED_MICROS) / 1e6;
    double meanScore = pairs.total(Field.JUDGE_SCORE_MILLIS) / 1000.0 / sum(n);
    return mean(n, d, squares, 0, meanScore);
  }

  private static PairedEstimate latencyTail(PairCounts pairs, double quantile, double ratio) {
    long[] n = pairs.get(Field.ANSWERED);
    int primaryBin = quantileBin(pairs.primaryLatencyHistogram(), quantile);
    int shift = (int) Math.round(LatencyBins.PER_DOUBLING * Math.log(ratio) / Math.log(2));
    int candidateBin = Math.min(primaryBin + shift, LatencyBins.COUNT - 1);
    long[] p = pairs.primaryLatencyAbove(primaryBin);
    long[] c = pairs.candidateLatencyAbove(candidateBin);
    double[] d = new double[K];
    for (int k = 0; k < K; k++) {
      d[k] = c[k] - p[k];
    }
    long total = sum(n);
    // Without per-pair squares, the floor is one extra discordant pair.
    return mean(n, d, 0, sum(p) / (double) total, sum(c) / (double) total);
  }

  private static PairedEstimate logRatio(
      PairCounts pairs, Field trials, Field primaryField, Field candidateField) {
    long[] n = pairs.get(trials);
    long[] p = pairs.get(primaryField);
    long[] c = pairs.get(candidateField);
    double primary = sum(p);
    double candidate = sum(c);
    int occupied = occupied(n);
    if (primary <= 0 || candidate <= 0) {
      return new PairedEstimate(Double.NaN, 0, primary, candidate, sum(n), occupied);
    }
    double[] residuals = new double[K];
    for (int k = 0; k < K; k++) {
      residuals[k] = c[k] / candidate - p[k] / primary;
    }
    double variance = StratifiedComparison.bucketVariance(residuals);
    return new PairedEstimate(
        Math.log(candidate / primary),
        variance > 0 ? 1 / variance : 0,
        primary,
        candidate,
        sum(n),
        occupied);
  }

  private static PairedEstimate mean(
      long[] n, double[] d, double squares, double primaryValue, double candidateValue) {
    long total = sum(n);
    int occupied = occupied(n);
    if (total == 0) {
      return new PairedEstimate(Double.NaN, 0, Double.NaN, Double.NaN, 0, occupied);
    }
    double harm = 0;
    for (double v : d) {
      harm += v;
    }
    harm /= total;
    double[] residuals = new double[K];
    for (int k = 0; k < K; k++) {
      residuals[k] = (d[k] - harm * n[k]) / total;
    }
    double floor = Math.max((squares + 1) / total - harm * harm, 1.0 / total) / total;
    double variance = Math.max(StratifiedComparison.bucketVariance(residuals), floor);
    return new PairedEstimate(harm, 1 / variance, primaryValue, candidateValue, total, occupied);
  }

  private static int quantileBin(long[] histogram, double quantile) {
    long total = 0;
    for (long count : histogram) {
      total += count;
    }
    long cumulative = 0;
    for (int bin = 0; bin < histogram.length; bin++) {
      cumulative += histogram[bin];
      if (cumulative >= quantile * total) {
        return bin;
      }
    }
    return LatencyBins.COUNT - 1;
  }

  private static long sum(long[] values) {
    long total = 0;
    for (long v : values) {
      total += v;
    }
    return total;
  }

  private static int occupied(long[] n) {
    int occupied = 0;
    for (long v : n) {
      occupied += v > 0 ? 1 : 0;
    }
    return occupied;
  }
}
