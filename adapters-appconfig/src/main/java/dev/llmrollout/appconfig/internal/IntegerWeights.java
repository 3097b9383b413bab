package dev.llmrollout.appconfig.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between percentages and the integer weights flagd's fractional bucketing needs. Scaling
 * every weight by the same power of ten keeps each user in the same bucket, since the bucket is
 * compared against cumulative weights divided by the total.
 */
public final class IntegerWeights {
  private static final int MAX_DECIMALS = 4;

  private IntegerWeights() {}

  /**
   * Scales non-negative weights to integers with the smallest power of ten that makes them all
   * whole.
   *
   * @throws IllegalArgumentException when a weight is negative, has more than four decimals, or all
   *     are zero
   */
  public static List<Integer> scale(List<BigDecimal> weights) {
    if (weights.isEmpty()) {
      return List.of();
    }
    int decimals = 0;
    for (BigDecimal weight : weights) {
      if (weight.signum() < 0) {
        throw new IllegalArgumentException("weights: " + weight + " is negative, expected >= 0");
      }
      decimals = Math.max(decimals, Math.max(0, weight.stripTrailingZeros().scale()));
    }
    if (decimals > MAX_DECIMALS) {
      throw new IllegalArgumentException(
          "weights: expected at most " + MAX_DECIMALS + " decimals, found " + weights);
    }
    List<Integer> scaled = new ArrayList<>();
    long total = 0;
    for (BigDecimal weight : weights) {
      int whole = weight.movePointRight(decimals).intValueExact();
      scaled.add(whole);
      total += whole;
    }
    if (total == 0 || total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("weights: expected a positive total, found " + weights);
    }
    return scaled;
  }

  /** Weights as percentages of their total, in the same order. */
  public static Map<String, Double> percentages(Map<String, ? extends Number> weights) {
    double total = 0;
    for (Number weight : weights.values()) {
      total += weight.doubleValue();
    }
    Map<String, Double> percent = new LinkedHashMap<>();
    for (Map.Entry<String, ? extends Number> weight : weights.entrySet()) {
      percent.put(weight.getKey(), 100.0 * weight.getValue().doubleValue() / total);
    }
    return percent;
  }
}
