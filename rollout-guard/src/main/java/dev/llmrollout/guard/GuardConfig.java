package dev.llmrollout.guard;

import java.time.Duration;
import java.util.Objects;

/**
 * How strict and how persistent the guard is. Immutable and validated on construction; build with
 * {@link #custom()} or take {@link #ofDefaults()}.
 *
 * <pre>{@code
 * GuardConfig config = GuardConfig.custom().alpha(0.01).onSampleRatioMismatch(ROLL_BACK).build();
 * }</pre>
 *
 * @param alpha the false-rollback rate of a rollout, family-wise over its declared rules and
 *     segments and over all its steps and checks
 * @param nonInferiorityAlpha the chance of taking a canary to 100 % although a rule's regression is
 *     as large as the one it exists to detect
 * @param power the chance the first step catches each rule's regression to detect before it is
 *     promoted (sizes the power gate)
 * @param hysteresis how many consecutive failing checks break a rule (1 = the first)
 * @param sampleRatioAlpha the always-valid p-value of the unit split under which it is a mismatch
 * @param onSampleRatioMismatch hold (keep the split, keep checking the rules, never advance) or
 *     roll back when the split of units does not match the plan
 * @param minSamplesForTest trials per arm before a step's window enters a rule's comparison
 * @param minSegmentShare the share of traffic under which a declared segment needs no
 *     non-inferiority evidence before 100 %
 * @param checkInterval how often {@link Rollout#startChecking} checks
 * @param retryInitialBackoff the first wait before retrying a failed rollback write
 * @param retryMaxBackoff the longest wait between rollback retries
 * @param actor who the guard says it is in change requests and audit records
 * @param leaseTtl how long a durable rollout's owner may go without renewing its lease before a
 *     standby may take the rollout over; the owner renews on its checks once half of it is left, so
 *     it must be at least three check intervals
 */
public record GuardConfig(
    double alpha,
    double nonInferiorityAlpha,
    double power,
    int hysteresis,
    double sampleRatioAlpha,
    MismatchAction onSampleRatioMismatch,
    long minSamplesForTest,
    double minSegmentShare,
    Duration checkInterval,
    Duration retryInitialBackoff,
    Duration retryMaxBackoff,
    String actor,
    Duration leaseTtl) {

  /** What a sample ratio mismatch does. */
  public enum MismatchAction {
    /** Keep the split, keep checking the rules (a broken rule still rolls back), never advance. */
    HOLD,
    /** Roll back to stable. */
    ROLL_BACK
  }

  /**
   * @throws IllegalArgumentException naming the bad field and what was expected
   */
  public GuardConfig {
    check(alpha > 0 && alpha < 0.5, "alpha", "between 0 and 0.5", alpha);
    check(
        nonInferiorityAlpha > 0 && nonInferiorityAlpha < 0.5,
        "nonInferiorityAlpha",
        "between 0 and 0.5",
        nonInferiorityAlpha);
    check(power >= 0.5 && power < 1, "power", "at least 0.5 and below 1", power);
    check(hysteresis >= 1, "hysteresis", "1 or more consecutive checks", hysteresis);
    check(
        sampleRatioAlpha > 0 && sampleRatioAlpha < 0.5,
        "sampleRatioAlpha",
        "between 0 and 0.5",
        sampleRatioAlpha);
    check(onSampleRatioMismatch != null, "onSampleRatioMismatch", "HOLD or ROLL_BACK", null);
    check(minSamplesForTest >= 10, "minSamplesForTest", "10 or more", minSamplesForTest);
    check(
        minSegmentShare >= 0 && minSegmentShare < 1,
        "minSegmentShare",
        "at least 0 and below 1",
        minSegmentShare);
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
    check(
        positive(leaseTtl) && leaseTtl.compareTo(checkInterval.multipliedBy(3)) >= 0,
        "leaseTtl",
        "at least three check intervals (" + checkInterval.multipliedBy(3) + ")",
        leaseTtl);
  }

  /**
   * The defaults: alpha 0.01, non-inferiority at 0.01, power 0.8, no hysteresis, mismatch at 0.001
   * held, 100 samples per window, segments from 5 %, checks every 10 s, a 60 s lease.
   */
  public static GuardConfig ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  private static boolean positive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }

  private static void check(boolean ok, String field, String expected, Object got) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": expected " + expected + ", got " + got);
    }
  }

  /** Collects a {@link GuardConfig}; the record's constructor validates. */
  public static final class Builder {
    private double alpha = 0.01;
    private double nonInferiorityAlpha = 0.01;
    private double power = 0.8;
    private int hysteresis = 1;
    private double sampleRatioAlpha = 0.001;
    private MismatchAction onSampleRatioMismatch = MismatchAction.HOLD;
    private long minSamplesForTest = 100;
    private double minSegmentShare = 0.05;
    private Duration checkInterval = Duration.ofSeconds(10);
    private Duration retryInitialBackoff = Duration.ofSeconds(1);
    private Duration retryMaxBackoff = Duration.ofMinutes(1);
    private String actor = "rollout-guard";
    private Duration leaseTtl;

    private Builder() {}

    public Builder alpha(double alpha) {
      this.alpha = alpha;
      return this;
    }

    public Builder nonInferiorityAlpha(double alpha) {
      this.nonInferiorityAlpha = alpha;
      return this;
    }

    public Builder power(double power) {
      this.power = power;
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

    public Builder onSampleRatioMismatch(MismatchAction action) {
      this.onSampleRatioMismatch = action;
      return this;
    }

    public Builder minSamplesForTest(long samples) {
      this.minSamplesForTest = samples;
      return this;
    }

    public Builder minSegmentShare(double share) {
      this.minSegmentShare = share;
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
      this.actor = Objects.requireNonNullElse(actor, "");
      return this;
    }

    /**
     * How long a durable rollout's lease lasts without renewal; unless set, 60 s or three check
     * intervals, whichever is longer.
     */
    public Builder leaseTtl(Duration ttl) {
      this.leaseTtl = ttl;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the bad field and what was expected
     */
    public GuardConfig build() {
      return new GuardConfig(
          alpha,
          nonInferiorityAlpha,
          power,
          hysteresis,
          sampleRatioAlpha,
          onSampleRatioMismatch,
          minSamplesForTest,
          minSegmentShare,
          checkInterval,
          retryInitialBackoff,
          retryMaxBackoff,
          actor,
          leaseTtl != null ? leaseTtl : defaultLeaseTtl());
    }

    private Duration defaultLeaseTtl() {
      Duration threeChecks = checkInterval == null ? Duration.ZERO : checkInterval.multipliedBy(3);
      Duration minute = Duration.ofSeconds(60);
      return threeChecks.compareTo(minute) > 0 ? threeChecks : minute;
    }
  }
}
