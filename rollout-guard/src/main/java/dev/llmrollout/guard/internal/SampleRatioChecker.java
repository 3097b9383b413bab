package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.SampleRatioCheck;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.hipparchus.stat.inference.ChiSquareTest;

/** Compares one step's arm counts with its configured split. */
public final class SampleRatioChecker {
  private final double alpha;
  private final ChiSquareTest chiSquare = new ChiSquareTest();

  /** Flags a mismatch when the always-valid p-value falls below {@code alpha}. */
  public SampleRatioChecker(double alpha) {
    this.alpha = alpha;
  }

  /**
   * The check of {@code observed} against {@code expectedPercent} (same keys), or empty when the
   * split gives some arm no traffic (nothing to compare) or nothing was observed yet.
   */
  public Optional<SampleRatioCheck> check(
      Map<String, Long> observed, Map<String, Double> expectedPercent) {
    int arms = expectedPercent.size();
    long[] counts = new long[arms];
    double[] shares = new double[arms];
    double[] expectedCounts = new double[arms];
    long total = 0;
    int i = 0;
    for (Map.Entry<String, Double> arm : expectedPercent.entrySet()) {
      if (!(arm.getValue() > 0 && arm.getValue() < 100)) {
        return Optional.empty();
      }
      counts[i] = observed.getOrDefault(arm.getKey(), 0L);
      shares[i] = arm.getValue() / 100;
      total += counts[i];
      i++;
    }
    if (total == 0 || arms < 2) {
      return Optional.empty();
    }
    for (int k = 0; k < arms; k++) {
      expectedCounts[k] = shares[k] * total;
    }
    double sequentialP = SequentialSampleRatioTest.pValue(counts, shares);
    return Optional.of(
        new SampleRatioCheck(
            new LinkedHashMap<>(observed),
            expectedPercent,
            chiSquare.chiSquare(expectedCounts, counts),
            chiSquare.chiSquareTest(expectedCounts, counts),
            sequentialP,
            sequentialP < alpha));
  }
}
