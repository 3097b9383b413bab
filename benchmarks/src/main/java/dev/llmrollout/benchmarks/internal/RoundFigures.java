package dev.llmrollout.benchmarks.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * One figure per round for each named measure, reported as the median and the spread (lowest and
 * highest round): on a shared machine a single round says little, the spread says how much.
 */
public final class RoundFigures {
  private final Map<String, List<Double>> figures = new LinkedHashMap<>();

  /** Adds this round's value of {@code measure}. */
  public void add(String measure, double value) {
    figures.computeIfAbsent(measure, k -> new ArrayList<>()).add(value);
  }

  /** Whether any round recorded {@code measure}. */
  public boolean has(String measure) {
    return figures.containsKey(measure);
  }

  /** The median over rounds. */
  public double median(String measure) {
    double[] values = sorted(measure);
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  /** The highest round. */
  public double max(String measure) {
    double[] values = sorted(measure);
    return values[values.length - 1];
  }

  /** Highest minus lowest round, over the median's magnitude (0.1 = rounds within 10%). */
  public double relativeSpread(String measure) {
    double[] values = sorted(measure);
    double median = Math.abs(median(measure));
    return median == 0 ? 0 : (values[values.length - 1] - values[0]) / median;
  }

  /**
   * "median (lowest-highest)" with {@code decimals}, after {@code scale} (for example nanoseconds
   * to milliseconds); "-" when no round recorded it.
   */
  public String cell(String measure, DoubleUnaryOperator scale, int decimals) {
    if (!has(measure)) {
      return "-";
    }
    double[] values = sorted(measure);
    String format = "%." + decimals + "f";
    return String.format(Locale.ROOT, format, scale.applyAsDouble(median(measure)))
        + " ("
        + String.format(Locale.ROOT, format, scale.applyAsDouble(values[0]))
        + " to "
        + String.format(Locale.ROOT, format, scale.applyAsDouble(values[values.length - 1]))
        + ")";
  }

  private double[] sorted(String measure) {
    List<Double> values = figures.get(measure);
    if (values == null || values.isEmpty()) {
      throw new IllegalStateException("no round recorded " + measure);
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted;
  }
}
