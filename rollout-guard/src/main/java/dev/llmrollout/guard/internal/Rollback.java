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
 * One rollout's rollback: the in-process override serves stable at once, the move to ROLLED_BACK is
 * recorded and alerted, and a {@link RollbackWriter} writes the kill through the flag's backend
 * until it is verified. Keeps why the guard rolled back by itself and whether the kill was
 * verified, for the rollout's record. Not thread-safe but for {@link #verified()}; its rollout
 * serializes use.
 */
final class Rollback {
  private final GuardContext context;
  private final RolloutSpec spec;
  private final RolloutLease lease;
  private final DefaultEventPublisher events;
  private final RolloutPosition position;
  private final AuditTrail audit;
  private String automaticReason;

  /** Set by the rollback writer, on the guard's scheduler when a retry verifies it. */
  private volatile boolean verified;

  Rollback(
      GuardContext context,
      RolloutSpec spec,
      RolloutLease lease,
      DefaultEventPublisher events,
      RolloutPosition position,
      AuditTrail audit,
      RolloutProgress progress) {
    this.context = context;
    this.spec = spec;
    this.lease = lease;
    this.events = events;
    this.position = position;
    this.audit = audit;
    this.automaticReason = progress.automaticRollback().orElse(null);
    this.verified = progress.rollbackVerified();
  }

  /** Why the guard rolled back by itself; empty when it did not. */
  Optional<String> automaticReason() {
    return Optional.ofNullable(automaticReason);
  }

  boolean verified() {
    return verified;
  }

  /** The guard rolls back by itself, because of {@code why}. */
  AuditRecord automatic(
      Instant now, List<RuleCheck> checks, Optional<SampleRatioCheck> srm, String why) {
    automaticReason = why;
    return rollBack(now, checks, srm, why);
  }

  AuditRecord rollBack(
      Instant now, List<RuleCheck> checks, Optional<SampleRatioCheck> srm, String why) {
    context.override().force(spec.flagKey(), spec.stable());
    StateTransition t = position.moveTo(RolloutState.ROLLED_BACK, -1, why);
    AuditRecord record = audit.record(now, Decision.ROLL_BACK, t, checks, srm, why);
    audit.alert(Alert.Severity.CRITICAL, "rolled back to '" + spec.stable() + "'", why);
    startWriter(why);
    return record;
  }

  /** The flag shows a kill made elsewhere: there is nothing left to write or verify. */
  void killedElsewhere() {
    verified = true;
  }

  /** Writes a rollback the record says began but was never verified. */
  void finish() {
    if (position.state() == RolloutState.ROLLED_BACK && !verified) {
      context.override().force(spec.flagKey(), spec.stable());
      startWriter("resumed: " + automaticReason().orElse("rollback not yet verified"));
    }
  }

  private void startWriter(String why) {
    new RollbackWriter(
            context, spec.flagKey(), spec.stable(), lease, events::publish, () -> verified = true)
        .start(why);
  }
}
