package dev.llmrollout.router.gateway;

import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.Decision;
import dev.llmrollout.guard.GuardEvent;
import dev.llmrollout.guard.HoldReason;
import dev.llmrollout.guard.Rollout;
import dev.llmrollout.guard.RuleCheck;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One operator-log line per guard decision (promote, hold, roll back, halt) with its figures and
 * reason, one per rollback write-back phase and one per lease change (this guard acquired or lost a
 * durable rollout):
 *
 * <pre>
 * event=guard.decision flag=support-model decision=PROMOTE transition=CANARY[0]->CANARY[1]
 *   state=CANARY step=2 canaryWeight=25.0 holdReason=- stableRequests=11400 canaryRequests=600
 *   broken=- sampleRatioP=0.41 actor=... reason="step passed: ..."
 * event=guard.rollback flag=support-model phase=VERIFIED attempt=1 detail="..."
 * event=guard.lease flag=support-model change=ACQUIRED owner=... previousOwner=- detail="..."
 * </pre>
 *
 * A hold repeated at every check (the same kind of hold, state and step) is logged once, when it
 * begins; the audit trail keeps every check.
 */
final class DecisionLog {
  private final Rollout rollout;
  private String lastHold;

  private DecisionLog(Rollout rollout) {
    this.rollout = rollout;
  }

  /** Logs {@code rollout}'s decisions from now on. */
  static void follow(Rollout rollout) {
    DecisionLog log = new DecisionLog(rollout);
    rollout
        .eventPublisher()
        .onCheck(e -> log.decided(e.record()))
        .onRollback(DecisionLog::rollback)
        .onEvent(
            e -> {
              if (e instanceof GuardEvent.OwnershipEvent lease) {
                leaseChanged(lease);
              }
            });
  }

  private synchronized void decided(AuditRecord record) {
    if (record.decision() == Decision.CONTINUE && record.transition().isEmpty()) {
      lastHold = null;
      return;
    }
    Optional<HoldReason> hold = rollout.holdReason();
    if (record.decision() == Decision.HOLD && record.transition().isEmpty()) {
      String key = hold + "/" + record.state() + "/" + record.step();
      if (key.equals(lastHold)) {
        return;
      }
      lastHold = key;
    } else {
      lastHold = null;
    }
    Optional<RuleCheck> overall =
        record.ruleChecks().stream()
            .filter(c -> c.segment().equals(RuleCheck.ALL_TRAFFIC))
            .findFirst();
    OperatorLog.Line line =
        OperatorLog.event("guard.decision")
            .with("flag", record.flagKey())
            .with("decision", record.decision())
            .with("transition", record.transition().map(Object::toString).orElse("-"))
            .with("state", record.state())
            .with("step", record.step() + 1)
            .with("canaryWeight", 100 * RolloutGauges.writtenCanaryShare(rollout))
            .with("holdReason", hold.map(RolloutGauges::label).orElse("-"))
            .with("stableRequests", overall.map(c -> (Object) c.stableSamples()).orElse("-"))
            .with("canaryRequests", overall.map(c -> (Object) c.canarySamples()).orElse("-"))
            .with("broken", broken(record))
            .with(
                "sampleRatioP",
                record
                    .sampleRatio()
                    .map(s -> String.format(Locale.ROOT, "%.3g", s.sequentialPValue()))
                    .orElse("-"))
            .with("actor", record.actor())
            .with("reason", record.reason());
    if (record.decision() == Decision.PROMOTE || record.decision() == Decision.CONTINUE) {
      line.info();
    } else {
      line.warn();
    }
  }

  private static String broken(AuditRecord record) {
    if (record.brokenRules().isEmpty()) {
      return "-";
    }
    return record.brokenRules().stream()
        .map(
            c ->
                String.format(
                    Locale.ROOT,
                    "%s/%s effect=%.4f lower=%.4f p=%.2g",
                    c.rule(),
                    c.segment(),
                    c.effect(),
                    c.lower(),
                    c.pValue()))
        .collect(Collectors.joining("; "));
  }

  /** The lease a rollout's start takes, before anyone could subscribe to its events. */
  static void acquiredAtStart(String flagKey, String owner) {
    OperatorLog.event("guard.lease")
        .with("flag", flagKey)
        .with("change", GuardEvent.OwnershipEvent.Change.ACQUIRED)
        .with("owner", owner)
        .with("previousOwner", "-")
        .with("detail", "rollout started here")
        .info();
  }

  private static void leaseChanged(GuardEvent.OwnershipEvent event) {
    OperatorLog.Line line =
        OperatorLog.event("guard.lease")
            .with("flag", event.flagKey())
            .with("change", event.change())
            .with("owner", event.owner())
            .with("previousOwner", event.previousOwner() == null ? "-" : event.previousOwner())
            .with("detail", event.detail());
    if (event.change() == GuardEvent.OwnershipEvent.Change.LOST) {
      line.warn();
    } else {
      line.info();
    }
  }

  private static void rollback(GuardEvent.RollbackEvent event) {
    OperatorLog.Line line =
        OperatorLog.event("guard.rollback")
            .with("flag", event.flagKey())
            .with("phase", event.phase())
            .with("attempt", event.attempt())
            .with("detail", event.detail());
    if (event.phase() == GuardEvent.RollbackEvent.Phase.ATTEMPT_FAILED) {
      line.warn();
    } else {
      line.info();
    }
  }
}
