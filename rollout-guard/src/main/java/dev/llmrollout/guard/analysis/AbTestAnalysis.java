package dev.llmrollout.guard.analysis;

import java.util.Locale;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.special.Erf;
import org.hipparchus.stat.descriptive.StreamingStatistics;
import org.hipparchus.stat.inference.ChiSquareTest;
import org.hipparchus.stat.inference.TTest;

/**
 * Fixed-horizon analysis of an A/B test on demand (for a report or the CLI, not for continuous
 * monitoring, which the guard's always-valid tests do): two-proportion z and chi-square for rates
 * (Pearson's without and with Yates' continuity correction), Welch's t and Cohen's d for scores,
 * confidence intervals, and a recommendation.
 *
 * <pre>{@code
 * ProportionComparison c = AbTestAnalysis.proportions(850, 1000, 790, 1000, 0.05);
 * Recommendation r = AbTestAnalysis.recommend(c, 0.02); // ROLL_BACK: B is worse
 * }</pre>
 */
public final class AbTestAnalysis {
  private static final NormalDistribution NORMAL = new NormalDistribution();

  private AbTestAnalysis() {}

  /** Compares B's rate {@code successesB/trialsB} with A's. */
  public static ProportionComparison proportions(
      long successesA, long trialsA, long successesB, long trialsB, double alpha) {
    checkCounts("A", successesA, trialsA);
    checkCounts("B", successesB, trialsB);
    double pa = (double) successesA / trialsA;
    double pb = (double) successesB / trialsB;
    double pooled = (double) (successesA + successesB) / (trialsA + trialsB);
    double se0 = Math.sqrt(pooled * (1 - pooled) * (1.0 / trialsA + 1.0 / trialsB));
    double z = se0 == 0 ? 0 : (pb - pa) / se0;
    double p = 2 * (1 - NORMAL.cumulativeProbability(Math.abs(z)));
    double se = Math.sqrt(pa * (1 - pa) / trialsA + pb * (1 - pb) / trialsB);
    double half = NORMAL.inverseCumulativeProbability(1 - alpha / 2) * se;
    long[][] table = {
      {successesA, trialsA - successesA},
      {successesB, trialsB - successesB}
    };
    ChiSquareTest chi = new ChiSquareTest();
    boolean degenerate = pooled == 0 || pooled == 1;
    double yates = degenerate ? 0 : yatesChiSquare(table);
    return new ProportionComparison(
        pa,
        pb,
        pb - pa,
        pb - pa - half,
        pb - pa + half,
        z,
        p,
        degenerate ? 0 : chi.chiSquare(table),
        degenerate ? 1 : chi.chiSquareTest(table),
        yates,
        // With one degree of freedom, P(chi2 > x) = erfc(sqrt(x / 2)), precise far into the tail.
        degenerate ? 1 : Erf.erfc(Math.sqrt(yates / 2)),
        trialsA,
        trialsB);
  }

  /**
   * Pearson's chi-square of a 2x2 table after Yates' continuity correction, as scipy's {@code
   * chi2_contingency} applies it by default (only to tables with one degree of freedom): each
   * observed count moves towards its expected count by {@code min(0.5, |expected - observed|)}.
   */
  static double yatesChiSquare(long[][] table) {
    long total = 0;
    long[] rows = new long[2];
    long[] columns = new long[2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        rows[i] += table[i][j];
        columns[j] += table[i][j];
        total += table[i][j];
      }
    }
    double sum = 0;
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        double expected = (double) rows[i] * columns[j] / total;
        double gap = Math.max(0, Math.abs(expected - table[i][j]) - 0.5);
        sum += gap * gap / expected;
      }
    }
    return sum;
  }

  /** Compares B's scores with A's (each at least two values). */
  public static ScoreComparison scores(double[] a, double[] b, double alpha) {
    if (a.length < 2 || b.length < 2) {
      throw new IllegalArgumentException(
          "scores: expected at least 2 values per arm, got " + a.length + " and " + b.length);
    }
    StreamingStatistics sa = summary(a);
    StreamingStatistics sb = summary(b);
    double va = sa.getVariance() / a.length;
    double vb = sb.getVariance() / b.length;
    double df = (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
    double diff = sb.getMean() - sa.getMean();
    double half =
        new TDistribution(df).inverseCumulativeProbability(1 - alpha / 2) * Math.sqrt(va + vb);
    double pooledSd =
        Math.sqrt(
            ((a.length - 1) * sa.getVariance() + (b.length - 1) * sb.getVariance())
                / (a.length + b.length - 2));
    TTest tTest = new TTest();
    return new ScoreComparison(
        sa.getMean(),
        sb.getMean(),
        diff,
        diff - half,
        diff + half,
        tTest.t(b, a),
        df,
        tTest.tTest(b, a),
        pooledSd == 0 ? 0 : diff / pooledSd);
  }

  /**
   * Recommends for a rate where higher is better (success rate): roll back when B is shown worse,
   * promote when B is shown no worse than {@code margin} below A, continue otherwise.
   */
  public static Recommendation recommend(ProportionComparison c, double margin) {
    String numbers =
        String.format(
            Locale.ROOT,
            "B-A = %.4f, CI [%.4f, %.4f], p = %.3g, n = %d/%d",
            c.difference(),
            c.lower(),
            c.upper(),
            c.pValue(),
            c.samplesA(),
            c.samplesB());
    if (c.upper() < 0) {
      return new Recommendation(Recommendation.Action.ROLL_BACK, "B is worse: " + numbers);
    }
    if (c.lower() > -margin) {
      return new Recommendation(
          Recommendation.Action.PROMOTE, "B is no worse than " + margin + " below A: " + numbers);
    }
    return new Recommendation(
        Recommendation.Action.CONTINUE, "not enough evidence either way: " + numbers);
  }

  private static StreamingStatistics summary(double[] values) {
    StreamingStatistics stats = new StreamingStatistics();
    for (double v : values) {
      stats.addValue(v);
    }
    return stats;
  }

  private static void checkCounts(String arm, long successes, long trials) {
    if (trials <= 0 || successes < 0 || successes > trials) {
      throw new IllegalArgumentException(
          "arm "
              + arm
              + ": expected 0 <= successes <= trials and trials > 0, got "
              + successes
              + "/"
              + trials);
    }
  }
}
