package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.RolloutRefusedException;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.RuleCheck;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a rollout in SHADOW does next. With shadow pairs, the shadow gate ({@link ShadowEvidence})
 * decides on them alone; without, the phase waits for its minimum duration and samples. Either way
 * the eval gate is checked before the first canary step. It only decides: {@link GuardedRollout}
 * writes, records and alerts. Not thread-safe; its rollout serializes checks.
 */
final class ShadowStage {

  /** What the rollout does after a check in SHADOW. */
  enum Action {
    /** A shadow rule is shown broken: roll back, no user was exposed. */
    ROLL_BACK,
    /** The gate ran the first step's maximum duration without a decision: hold and alert. */
    HOLD,
    /** Evidence, bake time or samples are still missing. */
    WAIT,
    /** The shadow passed but the eval gate refuses the candidate's payload. */
    EVAL_GATE_REFUSED,
    /** The shadow passed and the eval gate agrees: write the first canary step. */
    PROMOTE
  }

  /** One decision: what to do, the checks to record (live and shadow rules) and why. */
  record Next(Action action, List<RuleCheck> checks, String reason) {}

  private final GuardContext context;
  private final RolloutSpec spec;
  private final RolloutPhases phases;
  private final Optional<ShadowEvidence> gate;

  ShadowStage(GuardContext context, RolloutSpec spec, List<String> segments, RolloutPhases phases) {
    this.context = context;
    this.spec = spec;
    this.phases = phases;
    this.gate =
        context.shadowPairs().map(p -> new ShadowEvidence(p, spec, segments, context.config()));
  }

  /** Starts the gate's window when the rollout is (again) in SHADOW: earlier pairs never count. */
  void begin(RolloutState state) {
    if (state == RolloutState.SHADOW) {
      gate.ifPresent(ShadowEvidence::begin);
    }
  }

  /** Decides at {@code now}, with the live rules' checks of the phase so far. */
  Next decide(Instant now, List<RuleCheck> liveChecks) {
    List<RuleCheck> checks = liveChecks;
    String why = "shadow phase passed";
    if (gate.isPresent()) {
      ShadowEvidence.Outcome outcome = gate.get().check(now, phases.startedAt());
      checks = Stream.concat(liveChecks.stream(), outcome.checks().stream()).toList();
      switch (outcome.verdict()) {
        case BROKEN -> {
          return new Next(Action.ROLL_BACK, checks, outcome.reason());
        }
        case TIMED_OUT -> {
          return new Next(Action.HOLD, checks, outcome.reason());
        }
        case WAITING -> {
          return new Next(Action.WAIT, checks, outcome.reason());
        }
        case PASSED -> why = outcome.reason();
      }
    } else if (!baked(now)) {
      return new Next(Action.WAIT, checks, "shadow baking");
    }
    try {
      why += EvalGateCheck.enforce(context, spec, "canary").map(note -> "; " + note).orElse("");
    } catch (RolloutRefusedException e) {
      return new Next(Action.EVAL_GATE_REFUSED, checks, e.getMessage());
    }
    return new Next(Action.PROMOTE, checks, why);
  }

  /** Without shadow pairs: the shadow phase's minimum duration and canary samples are in. */
  private boolean baked(Instant now) {
    var shadow = spec.plan().shadow().orElseThrow();
    return !now.isBefore(phases.startedAt().plus(shadow.minDuration()))
        && phases.shadowSamples() >= shadow.minSamples();
  }
}
