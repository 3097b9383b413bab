package dev.llmrollout.guard;

import java.time.Duration;

/**
 * How strict and how persistent the guard is. Immutable; build with {@link #custom()} or take
 * {@link #ofDefaults()}.
 *
 * <pre>{@code
 * GuardConfig config = GuardConfig.custom().alpha(0.05).hysteresis(2).build();
 * }</pre>
 *
 * @param alpha the family-wise false-rollback rate over all rules and segments of a rollout
 * @param hysteresis how many consecutive failing checks break a rule (1 = the first)
 * @param sampleRatioAlpha the always-valid p-value under which a sample ratio mismatch halts
 * @param minSamplesForTest requests per arm (and segment) before a rule is tested at all
 * @param checkInterval how often {@link Rollout#startChecking} checks
 * @param retryInitialBackoff the first wait before retrying a failed rollback write
 * @param retryMaxBackoff the longest wait between rollback retries
 * @param actor who the guard says it is in change requests and audit records
 */
public record GuardConfig(
    double alpha,
    int hysteresis,
    double sampleRatioAlpha,
    long minSamplesForTest,
    Duration checkInterval,
    Duration retryInitialBackoff,
    Duration retryMaxBackoff,
    String actor) {

  /** The defaults: alpha 0.05, no hysteresis, SRM at 0.001, 100 samples, checks every 10 s. */
  public static GuardConfig ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  /** Builds a validated {@link GuardConfig}. */
  public static final class Builder {
    private double alpha = 0.05;
    private int hysteresis = 1;
    private double sampleRatioAlpha = 0.001;
    private long minSamplesForTest = 100;
    private Duration checkInterval = Duration.ofSeconds(10);
    private Duration retryInitialBackoff = Duration.ofSeconds(1);
    private Duration retryMaxBackoff = Duration.ofMinutes(1);
    private String actor = "rollout-guard";

    private Builder() {}

    public Builder alpha(double alpha) {
      this.alpha = alpha;
      return this;
    }

    public Builder hysteresis(int consecutiveFailingChecks) {
      this.hysteresis = consecutiveFailingChecks;
      return this;
    }

    public Builder sampleRatioAlpha(double alpha) {
      this.sampleRatioAlpha = alpha;
      return this;
    }

    public Builder minSamplesForTest(long samples) {
      this.minSamplesForTest = samples;
      return this;
    }

    public Builder checkInterval(Duration interval) {
      this.checkInterval = interval;
      return this;
    }

    public Builder retryBackoff(Duration initial, Duration max) {
      this.retryInitialBackoff = initial;
      this.retryMaxBackoff = max;
      return this;
    }

    public Builder actor(String actor) {
      this.actor = actor;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the bad field and what was expected
     */
    public GuardConfig build() {
      check(alpha > 0 && alpha < 0.5, "alpha", "between 0 and 0.5", alpha);
      check(hysteresis >= 1, "hysteresis", "1 or more consecutive checks", hysteresis);
      check(
          sampleRatioAlpha > 0 && sampleRatioAlpha < 0.5,
          "sampleRatioAlpha",
          "between 0 and 0.5",
          sampleRatioAlpha);
      check(minSamplesForTest >= 10, "minSamplesForTest", "10 or more", minSamplesForTest);
      check(positive(checkInterval), "checkInterval", "a positive duration", checkInterval);
      check(
          positive(retryInitialBackoff),
          "retryInitialBackoff",
          "a positive duration",
          retryInitialBackoff);
      check(
          positive(retryMaxBackoff) && retryMaxBackoff.compareTo(retryInitialBackoff) >= 0,
          "retryMaxBackoff",
          "at least retryInitialBackoff",
          retryMaxBackoff);
      check(actor != null && !actor.isBlank(), "actor", "a name", actor);
      return new GuardConfig(
          alpha,
          hysteresis,
          sampleRatioAlpha,
          minSamplesForTest,
          checkInterval,
          retryInitialBackoff,
          retryMaxBackoff,
          actor);
    }

    private static boolean positive(Duration duration) {
      return duration != null && !duration.isNegative() && !duration.isZero();
    }

    private static void check(boolean ok, String field, String expected, Object got) {
      if (!ok) {
        throw new IllegalArgumentException(field + ": expected " + expected + ", got " + got);
      }
    }
  }
}
