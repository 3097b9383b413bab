package dev.llmrollout.guard;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to roll out: the flag, its stable and candidate variants, the plan and the rules, declared
 * before the rollout starts.
 *
 * <pre>{@code
 * RolloutSpec spec = RolloutSpec.forFlag("support-model")
 *     .stable("stable").canary("candidate")
 *     .versions("1.4.2", "1.5.0")
 *     .plan(RolloutPlan.ofDefaults())
 *     .rules(RuleSet.ofDefaults())
 *     .build();
 * }</pre>
 *
 * @param flagKey the flag
 * @param stable the variant everyone falls back to
 * @param canary the candidate variant
 * @param stableVersion the stable model's semantic version, if known
 * @param canaryVersion the candidate model's semantic version, if known
 * @param plan how the candidate advances
 * @param rules what breaks the rollout
 * @param segments the segment values each rule is also judged in, fixed for the whole rollout
 *     (values that appear later count in an "other" segment); empty to take the values the signals
 *     show when the rollout starts
 * @param shadowCompleted true when a shadow phase of this candidate already passed elsewhere
 * @param force true to replace a rollout already running on the same flag
 * @param evalGateOverride why the rollout may start without a passing eval report, when forced past
 *     the {@link EvalGate}; the reason goes into the audit record
 * @param shadowRules what the shadow gate holds the candidate to on shadow pairs, when the guard
 *     reads pairs ({@link RolloutGuard.Builder#shadowPairs})
 */
public record RolloutSpec(
    String flagKey,
    String stable,
    String canary,
    Optional<String> stableVersion,
    Optional<String> canaryVersion,
    RolloutPlan plan,
    RuleSet rules,
    List<String> segments,
    boolean shadowCompleted,
    boolean force,
    Optional<String> evalGateOverride,
    ShadowRuleSet shadowRules) {

  /**
   * @throws IllegalArgumentException naming the flag and the missing or bad field
   */
  public RolloutSpec {
    require(flagKey, flagKey != null && !flagKey.isBlank(), "flagKey", "a flag key", flagKey);
    require(flagKey, stable != null && !stable.isBlank(), "stable", "a variant name", stable);
    require(flagKey, canary != null && !canary.isBlank(), "canary", "a variant name", canary);
    require(flagKey, !canary.equals(stable), "canary", "a variant other than stable", canary);
    require(flagKey, plan != null, "plan", "a rollout plan", null);
    require(flagKey, rules != null, "rules", "a rule set", null);
    require(flagKey, shadowRules != null, "shadowRules", "a shadow rule set", null);
    require(flagKey, segments != null, "segments", "a list of segment values", null);
    segments = List.copyOf(segments);
    require(
        flagKey,
        segments.stream().noneMatch(v -> v.isBlank() || v.equals(OTHER_SEGMENT)),
        "segments",
        "non-blank values other than '" + OTHER_SEGMENT + "'",
        segments);
    Objects.requireNonNull(stableVersion, "stableVersion");
    Objects.requireNonNull(canaryVersion, "canaryVersion");
    Objects.requireNonNull(evalGateOverride, "evalGateOverride");
    require(
        flagKey,
        evalGateOverride.map(reason -> !reason.isBlank()).orElse(true),
        "skipEvalGate",
        "a reason",
        evalGateOverride.orElse(null));
  }

  /** The segment that collects every value not declared at the start. */
  public static final String OTHER_SEGMENT = "(other)";

  public static Builder forFlag(String flagKey) {
    return new Builder(flagKey);
  }

  /** Builds a validated {@link RolloutSpec}. */
  public static final class Builder {
    private final String flagKey;
    private String stable;
    private String canary;
    private String stableVersion;
    private String canaryVersion;
    private RolloutPlan plan = RolloutPlan.ofDefaults();
    private RuleSet rules = RuleSet.ofDefaults();
    private List<String> segments = List.of();
    private boolean shadowCompleted;
    private boolean force;
    private String evalGateOverride;
    private ShadowRuleSet shadowRules = ShadowRuleSet.ofDefaults();

    private Builder(String flagKey) {
      this.flagKey = flagKey;
    }

    public Builder stable(String variant) {
      this.stable = variant;
      return this;
    }

    public Builder canary(String variant) {
      this.canary = variant;
      return this;
    }

    /** The models' semantic versions, which decide the plan the change needs. */
    public Builder versions(String stableVersion, String canaryVersion) {
      this.stableVersion = stableVersion;
      this.canaryVersion = canaryVersion;
      return this;
    }

    public Builder plan(RolloutPlan plan) {
      this.plan = plan;
      return this;
    }

    public Builder rules(RuleSet rules) {
      this.rules = rules;
      return this;
    }

    /** The segment values to judge each rule in, besides all traffic. */
    public Builder segments(String... values) {
      this.segments = List.of(values);
      return this;
    }

    /** The shadow gate's rules (default {@link ShadowRuleSet#ofDefaults()}). */
    public Builder shadowRules(ShadowRuleSet rules) {
      this.shadowRules = rules;
      return this;
    }

    public Builder shadowCompleted(boolean completed) {
      this.shadowCompleted = completed;
      return this;
    }

    public Builder force(boolean force) {
      this.force = force;
      return this;
    }

    /**
     * Starts without a passing eval report for the candidate's payload; {@code reason} (who and
     * why) goes into the audit record.
     */
    public Builder skipEvalGate(String reason) {
      this.evalGateOverride = reason;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the flag and the missing or bad field
     */
    public RolloutSpec build() {
      return new RolloutSpec(
          flagKey,
          stable,
          canary,
          Optional.ofNullable(stableVersion),
          Optional.ofNullable(canaryVersion),
          plan,
          rules,
          segments,
          shadowCompleted,
          force,
          Optional.ofNullable(evalGateOverride),
          shadowRules);
    }
  }

  private static void require(
      String flagKey, boolean ok, String field, String expected, Object got) {
    if (!ok) {
      throw new IllegalArgumentException(
          "rollout of flag '" + flagKey + "': " + field + " is " + got + ", expected " + expected);
    }
  }
}
