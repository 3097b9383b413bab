package dev.llmrollout.guard;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a canary plan: the canary's share of traffic and what must be seen before the next.
 *
 * @param percent the canary's share, above 0 and at most 100
 * @param minBake how long the step runs at least
 * @param minSamplesPerArm requests each arm with traffic must receive during the step
 * @param maxDuration how long the step may wait for its samples before it times out
 */
public record CanaryStep(
    double percent, Duration minBake, long minSamplesPerArm, Duration maxDuration) {

  public CanaryStep {
    Objects.requireNonNull(minBake, "minBake");
    Objects.requireNonNull(maxDuration, "maxDuration");
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException(
          "step percent is " + percent + ", expected above 0 and at most 100");
    }
    if (minBake.isNegative()) {
      throw new IllegalArgumentException("step minBake is " + minBake + ", expected 0 or more");
    }
    if (minSamplesPerArm < 0) {
      throw new IllegalArgumentException(
          "step minSamplesPerArm is " + minSamplesPerArm + ", expected 0 or more");
    }
    if (maxDuration.compareTo(minBake) < 0) {
      throw new IllegalArgumentException(
          "step maxDuration is " + maxDuration + ", expected at least minBake " + minBake);
    }
  }
}
