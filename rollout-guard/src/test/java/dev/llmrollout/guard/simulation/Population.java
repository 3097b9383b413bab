package dev.llmrollout.guard.simulation;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The targeting keys of one run: each with a lognormal activity weight (a few heavy users send much
 * of the traffic), a quality effect and a latency effect (standard normal), drawn from the run's
 * seed. With no users every request gets a fresh key and fresh effects.
 */
final class Population {
  private final String[] keys;
  private final double[] cumulativeActivity;
  private final double[] qualityEffect;
  private final double[] latencyEffect;
  private long fresh;

  /** The user a request comes from: its targeting key and its two effects. */
  record User(String key, double qualityEffect, double latencyEffect) {}

  private Population(String[] keys, double[] cumulative, double[] quality, double[] latency) {
    this.keys = keys;
    this.cumulativeActivity = cumulative;
    this.qualityEffect = quality;
    this.latencyEffect = latency;
  }

  static Population draw(TrafficModel model, SplittableRandom random) {
    int n = model.users();
    String[] keys = new String[n];
    double[] cumulative = new double[n];
    double[] quality = new double[n];
    double[] latency = new double[n];
    double total = 0;
    for (int u = 0; u < n; u++) {
      keys[u] = "user-" + u;
      total += Math.exp(model.activitySigma() * random.nextGaussian());
      cumulative[u] = total;
      quality[u] = random.nextGaussian();
      latency[u] = random.nextGaussian();
    }
    for (int u = 0; u < n; u++) {
      cumulative[u] /= total;
    }
    return new Population(keys, cumulative, quality, latency);
  }

  /** The sender of the next request, in proportion to activity. */
  User next(SplittableRandom random) {
    if (keys.length == 0) {
      return new User("request-" + fresh++, random.nextGaussian(), random.nextGaussian());
    }
    int found = Arrays.binarySearch(cumulativeActivity, random.nextDouble());
    int u = Math.min(keys.length - 1, found >= 0 ? found : -found - 1);
    return new User(keys[u], qualityEffect[u], latencyEffect[u]);
  }

  /** How many keys there are (0 for a fresh key per request). */
  int size() {
    return keys.length;
  }

  /** The share of all activity that key {@code u} carries. */
  double activityShare(int u) {
    return cumulativeActivity[u] - (u == 0 ? 0 : cumulativeActivity[u - 1]);
  }
}
