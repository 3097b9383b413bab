package dev.llmrollout.guard.simulation;

import dev.llmrollout.guard.AuditLog;
import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RolloutGuard;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.RuleSet;
import dev.llmrollout.guard.testing.InMemoryRolloutControl;
import dev.llmrollout.guard.testing.InMemorySignalSource;
import dev.llmrollout.guard.testing.ManualClock;
import dev.llmrollout.guard.testing.ManualScheduler;
import dev.llmrollout.provider.KillSwitchOverride;
import dev.llmrollout.signals.Observation;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.FractionalBucketing;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The only seam between the simulated traffic and the guard: it starts a real {@link RolloutGuard}
 * on a manual clock through its public API, assigns targeting keys to arms from the split the guard
 * wrote (hashed exactly as the local backend buckets), records each request into the guard's {@link
 * dev.llmrollout.signals.SignalSource} as the router would, and lets time pass so the guard's own
 * scheduled checks run. Everything else in this package knows nothing of the guard.
 */
final class GuardHarness {
  static final String FLAG = "support-model";
  static final String STABLE = "stable";
  static final String CANARY = "candidate";

  /** How a request ended, as the router classifies it. */
  enum Outcome {
    SUCCESS,
    ERROR,
    REFUSAL
  }

  private final InMemorySignalSource signals = new InMemorySignalSource();
  private final InMemoryRolloutControl control =
      new InMemoryRolloutControl().flag(FLAG, STABLE, CANARY);
  private final ManualScheduler scheduler;
  private final KillSwitchOverride override = new KillSwitchOverride();
  private final Rollout rollout;
  private final List<String> segments;
  private String holdReason = "";
  private String lastReason = "";
  private String splitVersion = "";
  private final long[] weights = new long[2];

  /**
   * Starts a rollout of {@code plan} held to {@code rules}; {@code segments} are the segment values
   * requests carry (a single null for none).
   */
  GuardHarness(RolloutPlan plan, RuleSet rules, GuardConfig config, List<String> segments) {
    ManualClock clock = new ManualClock(Instant.parse("2026-03-02T00:00:00Z"));
    scheduler = new ManualScheduler(clock);
    RolloutGuard guard =
        RolloutGuard.builder(control, signals)
            .config(config)
            .clock(clock)
            .scheduler(scheduler)
            .override(override)
            .auditLog(AuditLog.discarding())
            .build();
    this.segments = segments;
    rollout =
        guard.start(
            RolloutSpec.forFlag(FLAG)
                .stable(STABLE)
                .canary(CANARY)
                .plan(plan)
                .rules(rules)
                .segments(declaredSegments(segments))
                .build());
    rollout
        .eventPublisher()
        .onStateTransition(
            e -> {
              if (e.transition().to() == RolloutState.HELD) {
                holdReason = e.reason();
              }
            })
        .onCheck(e -> lastReason = e.record().reason());
    readSplit();
    rollout.startChecking();
  }

  /**
   * True when {@code targetingKey} is served the canary: the kill switch first, then the flag's
   * split bucketed like the local backend's {@code fractional} (flag key + targeting key, weights
   * in hundredths of a percent, which bucket a percentage split exactly as the backend does).
   */
  boolean servesCanary(String targetingKey) {
    if (override.forcedVariant(FLAG).isPresent()) {
      return override.forcedVariant(FLAG).get().equals(CANARY);
    }
    return FractionalBucketing.pick(FLAG + targetingKey, weights) == 1;
  }

  /** Records one request as the router would (latency NaN and feedback null when not reported). */
  void record(
      String targetingKey,
      int segment,
      boolean canary,
      Outcome outcome,
      double latencyMillis,
      String feedback) {
    var arm = signals.user(FLAG, canary ? CANARY : STABLE, segments.get(segment), targetingKey);
    arm.observe(
        new Observation(
            outcome == Outcome.SUCCESS,
            outcome == Outcome.ERROR,
            outcome == Outcome.REFUSAL,
            latencyMillis));
    if (feedback != null) {
      arm.feedback(feedback);
    }
  }

  /** Records the live judge's score (0 to 1) of one answer, as the router's live judging would. */
  void recordJudgeScore(String targetingKey, int segment, boolean canary, double score) {
    signals
        .user(FLAG, canary ? CANARY : STABLE, segments.get(segment), targetingKey)
        .judgeScore(score);
  }

  /** Judged answers of both arms recorded so far, over all steps. */
  long judgedAnswers() {
    return judged(STABLE) + judged(CANARY);
  }

  private long judged(String variant) {
    return java.util.Arrays.stream(signals.counters(FLAG, variant).all().judged()).sum();
  }

  /** Lets {@code duration} pass: the guard's scheduled checks run, then the split is re-read. */
  void advance(Duration duration) {
    scheduler.advance(duration);
    readSplit();
  }

  RolloutState state() {
    return rollout.state();
  }

  /** The current step index, -1 once the rollout left the canary. */
  int step() {
    return rollout.step();
  }

  /** Canary requests recorded so far, over all steps. */
  long canaryRequests() {
    return signals.counters(FLAG, CANARY).all().totalRequests();
  }

  /** The reason of the guard's latest audit record. */
  String lastReason() {
    return lastReason;
  }

  /** The canary's share of the split the guard wrote last, in percent. */
  double canaryPercent() {
    return weights[1] / 100.0;
  }

  /** True when the rollout is held because the units do not split as planned. */
  boolean heldOnSampleRatio() {
    return rollout.state() == RolloutState.HELD && holdReason.contains("sample ratio mismatch");
  }

  /**
   * The alpha the guard spends on the most significant test of a family of {@code rules} over all
   * traffic, the declared segments and "other" (Holm's first level, alpha / family size).
   */
  static double perTestAlpha(GuardConfig config, RuleSet rules, int namedSegments) {
    int declared = Math.max(0, namedSegments - 1);
    int segmentsInFamily = declared == 0 ? 0 : declared + 1;
    return config.alpha() / (rules.rules().size() * (1 + segmentsInFamily));
  }

  /**
   * The segments the rollout declares at its start: every named one but the last, which the guard
   * then judges as its "other" segment (everything not declared).
   */
  private static String[] declaredSegments(List<String> segments) {
    List<String> named = segments.stream().filter(java.util.Objects::nonNull).toList();
    return named.isEmpty()
        ? new String[0]
        : named.subList(0, named.size() - 1).toArray(String[]::new);
  }

  private void readSplit() {
    FlagState state = control.state(FLAG);
    if (!state.version().equals(splitVersion)) {
      splitVersion = state.version();
      weights[0] = Math.round(state.weights().getOrDefault(STABLE, 0.0) * 100);
      weights[1] = Math.round(state.weights().getOrDefault(CANARY, 0.0) * 100);
    }
  }
}
