package dev.llmrollout.guard.internal;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Holm's step-down levels over a fixed family of e-processes: sorted by evidence, the k-th (from 0)
 * is held to {@code alpha / (m - k)} and rejects only while every stronger one rejected.
 */
final class HolmLevels {
  private HolmLevels() {}

  /**
   * The level each member was held to, negated when it rejected ({@code logE >= log(1/level)}), in
   * the order of {@code logE}.
   */
  static double[] of(double[] logE, double alpha) {
    int m = logE.length;
    Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
    java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> logE[i]).reversed());
    double[] levels = new double[m];
    boolean rejecting = true;
    for (int k = 0; k < m; k++) {
      double level = alpha / (m - k);
      rejecting = rejecting && logE[order[k]] >= Math.log(1 / level);
      levels[order[k]] = rejecting ? -level : level;
    }
    return levels;
  }
}
