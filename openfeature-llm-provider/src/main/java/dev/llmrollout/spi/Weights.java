package dev.llmrollout.spi;

import java.util.Map;

/** Checks a requested split before any backend writes it. */
public final class Weights {
  private static final double TOLERANCE = 1e-6;

  private Weights() {}

  /**
   * Rejects weights that are not percentages summing to 100 over variants the flag defines.
   *
   * @throws WriteBackException of kind INVALID_REQUEST naming the flag and the bad weight
   */
  public static void validate(String flagKey, Map<String, Double> weights, FlagState current) {
    if (weights.isEmpty()) {
      throw invalid(flagKey, "weights: expected at least one variant");
    }
    double sum = 0;
    for (Map.Entry<String, Double> e : weights.entrySet()) {
      if (!current.variants().contains(e.getKey())) {
        throw new WriteBackException(
            WriteBackException.Kind.NOT_FOUND,
            flagKey,
            "flag '"
                + flagKey
                + "': weights name variant '"
                + e.getKey()
                + "', expected one of "
                + current.variants());
      }
      Double weight = e.getValue();
      if (weight == null || weight.isNaN() || weight < 0 || weight > 100) {
        throw invalid(
            flagKey, "weight of '" + e.getKey() + "' is " + weight + ", expected 0 to 100 percent");
      }
      sum += weight;
    }
    if (Math.abs(sum - 100) > TOLERANCE) {
      throw invalid(flagKey, "weights sum to " + sum + ", expected 100 percent");
    }
  }

  private static WriteBackException invalid(String flagKey, String detail) {
    return new WriteBackException(
        WriteBackException.Kind.INVALID_REQUEST, flagKey, "flag '" + flagKey + "': " + detail);
  }
}
