package dev.llmrollout.launchdarkly.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts percentages to LaunchDarkly's rollout weights (thousandths of a percent, summing to
 * exactly 100000), rounding by largest remainder so that the sum is never off by one.
 */
public final class RolloutUnits {
  private RolloutUnits() {}

  /** Weights in 1/100000, in the order of {@code percents}. */
  public static Map<String, Integer> of(Map<String, Double> percents) {
    Map<String, Integer> units = new LinkedHashMap<>();
    List<Map.Entry<String, Double>> remainders = new ArrayList<>();
    int total = 0;
    for (Map.Entry<String, Double> e : percents.entrySet()) {
      double exact = e.getValue() == null || e.getValue().isNaN() ? 0 : e.getValue() * 1000.0;
      int floor = (int) Math.floor(exact + 1e-9);
      units.put(e.getKey(), floor);
      remainders.add(Map.entry(e.getKey(), exact - floor));
      total += floor;
    }
    remainders.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
    for (int i = 0; total < RestFlag.FULL && i < remainders.size(); i++, total++) {
      units.merge(remainders.get(i).getKey(), 1, Integer::sum);
    }
    return units;
  }
}
