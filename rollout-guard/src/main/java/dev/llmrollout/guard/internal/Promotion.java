package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.Decision;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.SampleRatioCheck;
import dev.llmrollout.guard.StateTransition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One rollout's promotions: writes the next step's split (after the last step, the released
 * holdback) through the {@link StepWriter} and records the move; a write that did not land is
 * recorded for what the flag showed instead (a kill, another guard's step or lease, a failure). Not
 * thread-safe; its rollout serializes use.
 */
final class Promotion {
  private final RolloutSpec spec;
  private final StepWriter stepWriter;
  private final RolloutPosition position;
  private final AuditTrail audit;
  private final Rollback rollback;

  Promotion(
      RolloutSpec spec,
      StepWriter stepWriter,
      RolloutPosition position,
      AuditTrail audit,
      Rollback rollback) {
    this.spec = spec;
    this.stepWriter = stepWriter;
    this.position = position;
    this.audit = audit;
    this.rollback = rollback;
  }

  /** Promotes to the canary step {@code nextStep} (0: the first, from the shadow phase). */
  AuditRecord toStep(
      Instant now,
      int nextStep,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      String why) {
    double percent = spec.plan().canaryPercent(nextStep);
    StepWriter.Outcome outcome = stepWriter.write(percent, why);
    if (outcome.kind() != StepWriter.Kind.WRITTEN) {
      return notWritten(now, outcome, checks, srm);
    }
    StateTransition t = position.moveTo(RolloutState.CANARY, nextStep, why);
    return audit.record(
        now, Decision.PROMOTE, t, checks, srm, why + "; canary at " + percent + "%");
  }

  /** The last step passed: the canary serves all (a holdback, if any, is released first). */
  AuditRecord toAll(Instant now, List<RuleCheck> checks, Optional<SampleRatioCheck> srm) {
    String why = "last step passed";
    if (spec.plan().holdbackPercent() > 0) {
      StepWriter.Outcome outcome = stepWriter.write(100, why + "; holdback released");
      if (outcome.kind() != StepWriter.Kind.WRITTEN) {
        return notWritten(now, outcome, checks, srm);
      }
    }
    StateTransition t = position.moveTo(RolloutState.PROMOTED, -1, why);
    return audit.record(now, Decision.PROMOTE, t, checks, srm, why + "; canary serves all");
  }

  /** Records a step write (a promotion or a first step's widening) that did not land. */
  AuditRecord notWritten(
      Instant now,
      StepWriter.Outcome outcome,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm) {
    switch (outcome.kind()) {
      case KILLED_ELSEWHERE -> {
        StateTransition t = position.moveTo(RolloutState.ROLLED_BACK, -1, outcome.detail());
        rollback.killedElsewhere();
        return audit.record(now, Decision.ROLL_BACK, t, checks, srm, outcome.detail());
      }
      case LOST_OWNERSHIP -> {
        return audit.record(now, Decision.HOLD, null, checks, srm, outcome.detail());
      }
      case STEPPED_ELSEWHERE -> {
        int adopted = StepWriter.stepOf(spec.plan(), outcome.canaryShare(), position.step());
        StateTransition t =
            adopted > position.step()
                ? position.moveTo(RolloutState.CANARY, adopted, outcome.detail())
                : null;
        return audit.record(now, Decision.CONTINUE, t, checks, srm, outcome.detail());
      }
      default -> {
        audit.alert(Alert.Severity.WARNING, "promotion write failed", outcome.detail());
        return audit.record(now, Decision.CONTINUE, null, checks, srm, outcome.detail());
      }
    }
  }
}
