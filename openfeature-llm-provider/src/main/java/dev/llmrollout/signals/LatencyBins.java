package dev.llmrollout.signals;

/**
 * Fixed latency bins shared by every process, so latency histograms are plain counts that add up
 * across instances (and export as cumulative Prometheus buckets): bin {@code i} holds latencies
 * above the upper bound of bin {@code i - 1} up to {@code 2^(i/8)} milliseconds (9 % wide), from 1
 * ms to about 70 minutes; the last bin holds everything slower.
 */
public final class LatencyBins {
  /** Bins per doubling of latency. */
  public static final int PER_DOUBLING = 8;

  /** How many bins, the last one open-ended. */
  public static final int COUNT = 22 * PER_DOUBLING + 2;

  /**
   * The bins whose upper bounds are exported as metrics bounds ({@code le}): 2^7 to 2^14 ms, 0.128
   * to 16.384 s, exact bin edges, so an exported count at a bound equals the in-process count.
   */
  public static final java.util.List<Integer> EXPORTED_BOUND_BINS =
      java.util.List.of(56, 64, 72, 80, 88, 96, 104, 112);

  private LatencyBins() {}

  /** The bin of a latency in milliseconds (0 for anything up to 1 ms). */
  public static int of(double millis) {
    if (!(millis > 1)) {
      return 0;
    }
    int bin = (int) Math.ceil(Math.log(millis) / Math.log(2) * PER_DOUBLING);
    return Math.min(bin, COUNT - 1);
  }

  /** The upper bound of bin {@code bin} in milliseconds (infinite for the last). */
  public static double upperBoundMillis(int bin) {
    return bin >= COUNT - 1 ? Double.POSITIVE_INFINITY : Math.pow(2, (double) bin / PER_DOUBLING);
  }
}
