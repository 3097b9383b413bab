package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.Decision;
import dev.llmrollout.guard.HoldReason;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.SampleRatioCheck;
import dev.llmrollout.guard.StateTransition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One rollout's holds: the HELD state, which never promotes while its rules are still checked (why
 * and of what kind are kept in the rollout's record), and the holds of one check alone (signals
 * unavailable, the eval gate refusing), on top of it. Not thread-safe; its rollout serializes use.
 */
final class Hold {
  private final RolloutPosition position;
  private final AuditTrail audit;
  private String heldBecause;
  private HoldReason heldKind;

  /** A hold of this check alone (signals unavailable, eval gate), on top of the HELD state's. */
  private HoldReason thisCheck;

  /** Why the signals were last unavailable: alerted once per distinct reason. */
  private String signalsMissing;

  Hold(RolloutPosition position, AuditTrail audit, RolloutProgress progress) {
    this.position = position;
    this.audit = audit;
    this.heldBecause = progress.heldBecause().orElse(null);
    this.heldKind = progress.heldKind().orElse(null);
  }

  Optional<String> heldBecause() {
    return Optional.ofNullable(heldBecause);
  }

  Optional<HoldReason> heldKind() {
    return Optional.ofNullable(heldKind);
  }

  /** This check's own hold, else the HELD state's kind; empty once the rollout ended. */
  Optional<HoldReason> reason() {
    RolloutState state = position.state();
    HoldReason held = thisCheck != null || state != RolloutState.HELD ? thisCheck : heldKind;
    return state.isFinal() ? Optional.empty() : Optional.ofNullable(held);
  }

  /** A check begins: the last one's own hold no longer stands. */
  void checkBegins() {
    thisCheck = null;
  }

  /** The signals answered this check: a later outage alerts again. */
  void signalsAnswered() {
    signalsMissing = null;
  }

  /** Holds the rollout (once; a HELD rollout stays held for its first reason) and alerts. */
  AuditRecord start(
      Instant now,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      HoldReason kind,
      String why) {
    if (position.state() == RolloutState.HELD) {
      return keep(now, checks, srm);
    }
    heldBecause = why;
    heldKind = kind;
    StateTransition t = position.moveTo(RolloutState.HELD, position.step(), why);
    audit.alert(Alert.Severity.CRITICAL, "rollout held; rules still checked", why);
    return audit.record(now, Decision.HOLD, t, checks, srm, why + "; held, never promoted");
  }

  /** A check of a HELD rollout that broke no rule: it stays held. */
  AuditRecord keep(Instant now, List<RuleCheck> checks, Optional<SampleRatioCheck> srm) {
    return audit.record(now, Decision.HOLD, null, checks, srm, "held: " + heldBecause);
  }

  /**
   * No window could be read (a fleet's metrics are missing or stale): neither promotes nor rolls
   * back, alerts once per distinct reason, and says why in the audit record the status shows.
   */
  AuditRecord withoutSignals(Instant now, String why) {
    if (!why.equals(signalsMissing)) {
      audit.alert(
          Alert.Severity.WARNING, "signals unavailable; rollout held until they return", why);
    }
    signalsMissing = why;
    thisCheck = HoldReason.SIGNALS_UNAVAILABLE;
    return audit.record(
        now,
        Decision.HOLD,
        null,
        List.of(),
        Optional.empty(),
        "signals unavailable, neither promoted nor rolled back: " + why);
  }

  /** The shadow phase passed but the eval gate refuses the candidate: this check holds. */
  AuditRecord evalGateRefused(Instant now, List<RuleCheck> checks, String why) {
    thisCheck = HoldReason.EVAL_GATE;
    return audit.record(now, Decision.HOLD, null, checks, Optional.empty(), why);
  }
}
