package dev.llmrollout.guard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a canary advances: an optional shadow phase, ordered steps, and what happens to a step that
 * times out. Immutable; build one with {@link #custom()}, take {@link #ofDefaults()} (5, 25, 50,
 * 100 percent), {@link #blueGreen()}, or read one from flag metadata with {@link #fromMetadata}.
 *
 * <pre>{@code
 * RolloutPlan plan = RolloutPlan.custom()
 *     .steps(5, 25, 50, 100)
 *     .minBake(Duration.ofMinutes(30))
 *     .minSamplesPerArm(500)
 *     .maxStepDuration(Duration.ofHours(6))
 *     .onStepTimeout(StepTimeoutAction.ROLL_BACK)
 *     .build();
 * }</pre>
 *
 * @param shadow the shadow phase that precedes the first step, if any
 * @param steps the canary's shares in ascending order, the last at 100 percent
 * @param onStepTimeout what to do when a step misses its evidence within its max duration
 * @param holdbackPercent the share stable keeps while the last (100 %) step bakes, so the canary is
 *     still compared with a concurrent control; 0 for none (then the last step is not compared)
 * @param evidence what a step needs besides its bake time and minimum sample
 * @param firstStepWidening the shares, ascending and below the second step's, the first step widens
 *     to when its power gate projects that the step cannot gather its evidence within its maximum
 *     duration at its current share (few, heavy, sticky units): straight to the first of them at
 *     which it is projected to, else the widest; empty for never
 */
public record RolloutPlan(
    Optional<ShadowPhase> shadow,
    List<CanaryStep> steps,
    StepTimeoutAction onStepTimeout,
    double holdbackPercent,
    Evidence evidence,
    List<Double> firstStepWidening) {

  /** The holdback unless set: stable keeps 5 % while the 100 % step bakes. */
  public static final double DEFAULT_HOLDBACK_PERCENT = 5;

  /** What a step needs, besides its bake time, its minimum sample and no broken rule. */
  public enum Evidence {
    /**
     * The first step holds until every rule over all traffic has the information to catch its
     * regression to detect (the power gate); the step that takes the canary to 100 % holds until
     * every rule shows the canary's regression below that size, over all traffic and in each
     * declared segment above the minimum share (non-inferiority).
     */
    REQUIRED,
    /** Bake time and minimum sample only: for demos and tests, never for production traffic. */
    BAKE_ONLY
  }

  /** What happens to a step that did not gather its evidence in time. Never a promotion. */
  public enum StepTimeoutAction {
    /** Stay at the step, keep checking the rules, alert; an operator decides. */
    HOLD,
    /** Roll back to stable. */
    ROLL_BACK
  }

  /**
   * A shadow phase: the candidate answers copies of real requests and is measured, serving no one.
   *
   * @param minDuration how long it runs at least
   * @param minSamples shadow answers needed before the first canary step
   */
  public record ShadowPhase(Duration minDuration, long minSamples) {
    public ShadowPhase {
      if (minDuration.isNegative() || minSamples < 0) {
        throw new IllegalArgumentException(
            "shadow: minDuration and minSamples must be 0 or more, got "
                + minDuration
                + " and "
                + minSamples);
      }
    }
  }

  /**
   * @throws IllegalArgumentException naming the field that is wrong and what was expected
   */
  public RolloutPlan {
    require(shadow != null, "shadow", "a phase or empty", null);
    require(onStepTimeout != null, "onStepTimeout", "HOLD or ROLL_BACK", null);
    require(evidence != null, "evidence", "REQUIRED or BAKE_ONLY", null);
    require(
        holdbackPercent >= 0 && holdbackPercent < 50,
        "holdbackPercent",
        "at least 0 and below 50",
        holdbackPercent);
    steps = List.copyOf(steps);
    require(!steps.isEmpty(), "steps", "at least one step", "none");
    double previous = 0;
    for (CanaryStep step : steps) {
      require(
          step.percent() > previous,
          "steps",
          "strictly ascending percentages",
          step.percent() + " after " + previous);
      previous = step.percent();
    }
    require(previous == 100, "steps", "the last step at 100 percent", previous);
    firstStepWidening = List.copyOf(firstStepWidening);
    double below = steps.size() > 1 ? steps.get(1).percent() : steps.get(0).percent();
    previous = steps.get(0).percent();
    for (double percent : firstStepWidening) {
      require(
          percent > previous && percent < below,
          "firstStepWidening",
          "ascending shares above the first step's and below the second step's " + below,
          percent + " after " + previous);
      previous = percent;
    }
  }

  /**
   * The default widening of a plan's first step: 2, 3, 4 ... times its share, below the second
   * step's share (10, 15, 20 for 5, 25, 50, 100); none for a single step.
   */
  public static List<Double> defaultFirstStepWidening(List<CanaryStep> steps) {
    List<Double> widening = new ArrayList<>();
    if (steps.size() < 2) {
      return widening;
    }
    double first = steps.get(0).percent();
    for (int k = 2; k * first < steps.get(1).percent(); k++) {
      widening.add(k * first);
    }
    return widening;
  }

  /**
   * The split written for step {@code index}: its percentage, except that the last step keeps the
   * holdback on stable.
   */
  public double canaryPercent(int index) {
    return index == steps.size() - 1 ? 100 - holdbackPercent : steps.get(index).percent();
  }

  /** A builder starting from the defaults. */
  public static Builder custom() {
    return new Builder();
  }

  /** A builder starting from {@code base}'s values. */
  public static Builder from(RolloutPlan base) {
    Builder builder = new Builder();
    builder.shadow = base.shadow.orElse(null);
    builder.explicitSteps.addAll(base.steps);
    builder.onStepTimeout = base.onStepTimeout;
    builder.holdbackPercent = base.holdbackPercent;
    builder.evidence = base.evidence;
    builder.firstStepWidening = base.firstStepWidening;
    return builder;
  }

  /**
   * 5, 25, 50, 100 percent, 30 minutes and 500 samples per arm each, at most 24 hours a step, 5 %
   * holdback at 100 %, evidence required, the first step widening to 10, 15 and 20 % when it cannot
   * gather its evidence in time.
   */
  public static RolloutPlan ofDefaults() {
    return custom().build();
  }

  /**
   * One step from 0 to 100 percent (less the holdback) with the same rules; a broken rule flips
   * straight back to stable. The rules compare with the holdback.
   */
  public static RolloutPlan blueGreen() {
    return custom().steps(100).build();
  }

  /** True when this plan goes from 0 to 100 percent in one step. */
  public boolean isBlueGreen() {
    return steps.size() == 1;
  }

  /**
   * Reads a plan from flag metadata, falling back to the defaults for absent keys: {@code
   * rollout.steps} ("5,25,50,100"), {@code rollout.minBake} and {@code rollout.maxStepDuration}
   * (ISO-8601 like "PT30M"), {@code rollout.minSamplesPerArm}, {@code rollout.onStepTimeout}
   * ("hold" or "roll_back"), {@code rollout.holdbackPercent} ("5"), {@code rollout.evidence}
   * ("required" or "bake_only"), {@code rollout.widenFirstStep} ("10,15,20", or "none"), {@code
   * rollout.shadowMinDuration} and {@code rollout.shadowMinSamples}.
   *
   * @throws IllegalArgumentException naming the flag and the key when a value is malformed
   */
  public static RolloutPlan fromMetadata(String flagKey, Map<String, ?> metadata) {
    return new PlanMetadataReader(flagKey, metadata).read();
  }

  /** Builds an immutable, validated {@link RolloutPlan}. */
  public static final class Builder {
    private double[] percents = {5, 25, 50, 100};
    private final List<CanaryStep> explicitSteps = new ArrayList<>();
    private Duration minBake = Duration.ofMinutes(30);
    private long minSamplesPerArm = 500;
    private Duration maxStepDuration = Duration.ofHours(24);
    private StepTimeoutAction onStepTimeout = StepTimeoutAction.HOLD;
    private ShadowPhase shadow;
    private double holdbackPercent = DEFAULT_HOLDBACK_PERCENT;
    private Evidence evidence = Evidence.REQUIRED;
    private List<Double> firstStepWidening;

    private Builder() {}

    /**
     * The shares the first step may widen to when it cannot gather its evidence in time at its
     * current share (none: never widen); unless set, {@link #defaultFirstStepWidening}.
     */
    public Builder widenFirstStep(double... percents) {
      this.firstStepWidening = java.util.Arrays.stream(percents).boxed().toList();
      return this;
    }

    /** The share stable keeps while the 100 % step bakes (0 for none). */
    public Builder holdbackPercent(double percent) {
      this.holdbackPercent = percent;
      return this;
    }

    /** What each step needs besides bake time and minimum sample. */
    public Builder evidence(Evidence evidence) {
      this.evidence = evidence;
      return this;
    }

    /** The canary's shares in percent, ascending, ending at 100; each uses the common minimums. */
    public Builder steps(double... percents) {
      this.percents = percents.clone();
      explicitSteps.clear();
      return this;
    }

    /** Adds a step with its own minimums; once used, only explicitly added steps make the plan. */
    public Builder step(CanaryStep step) {
      explicitSteps.add(step);
      return this;
    }

    public Builder minBake(Duration minBake) {
      this.minBake = minBake;
      return this;
    }

    public Builder minSamplesPerArm(long minSamplesPerArm) {
      this.minSamplesPerArm = minSamplesPerArm;
      return this;
    }

    public Builder maxStepDuration(Duration maxStepDuration) {
      this.maxStepDuration = maxStepDuration;
      return this;
    }

    public Builder onStepTimeout(StepTimeoutAction action) {
      this.onStepTimeout = action;
      return this;
    }

    /** Precedes the first step with a shadow phase (required for a major version change). */
    public Builder shadow(Duration minDuration, long minSamples) {
      this.shadow = new ShadowPhase(minDuration, minSamples);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the field that is wrong and what was expected
     */
    public RolloutPlan build() {
      List<CanaryStep> steps = explicitSteps.isEmpty() ? commonSteps() : explicitSteps;
      return new RolloutPlan(
          Optional.ofNullable(shadow),
          steps,
          onStepTimeout,
          holdbackPercent,
          evidence,
          firstStepWidening != null ? firstStepWidening : defaultFirstStepWidening(steps));
    }

    private List<CanaryStep> commonSteps() {
      require(minBake != null, "minBake", "a duration", null);
      require(maxStepDuration != null, "maxStepDuration", "a duration", null);
      require(!minBake.isNegative(), "minBake", "0 or more", minBake);
      require(minSamplesPerArm >= 0, "minSamplesPerArm", "0 or more", minSamplesPerArm);
      require(
          maxStepDuration.compareTo(minBake) >= 0,
          "maxStepDuration",
          "at least minBake " + minBake,
          maxStepDuration);
      List<CanaryStep> steps = new ArrayList<>();
      for (double percent : percents) {
        require(percent > 0 && percent <= 100, "steps", "percentages in (0, 100]", percent);
        steps.add(new CanaryStep(percent, minBake, minSamplesPerArm, maxStepDuration));
      }
      return steps;
    }
  }

  private static void require(boolean ok, String field, String expected, Object got) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": expected " + expected + ", got " + got);
    }
  }
}
