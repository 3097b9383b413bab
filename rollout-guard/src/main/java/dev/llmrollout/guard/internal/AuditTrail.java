package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.AuditRecord;
import dev.llmrollout.guard.Decision;
import dev.llmrollout.guard.GuardEvent;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RuleCheck;
import dev.llmrollout.guard.SampleRatioCheck;
import dev.llmrollout.guard.StateTransition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one rollout tells of its decisions: each becomes an audit record, at the position it left
 * the rollout in, written to the audit log and published as a check event (the last is kept for the
 * status); the ones an operator must act on are alerted too. Not thread-safe; its rollout
 * serializes use.
 */
final class AuditTrail {
  private final GuardContext context;
  private final RolloutSpec spec;
  private final DefaultEventPublisher events;
  private final RolloutPosition position;
  private AuditRecord last;

  AuditTrail(
      GuardContext context,
      RolloutSpec spec,
      DefaultEventPublisher events,
      RolloutPosition position) {
    this.context = context;
    this.spec = spec;
    this.events = events;
    this.position = position;
  }

  /** The last audit record, or null before the first. */
  AuditRecord last() {
    return last;
  }

  /** Records {@code decision}, with the {@code transition} it made (null when it made none). */
  AuditRecord record(
      Instant now,
      Decision decision,
      StateTransition transition,
      List<RuleCheck> checks,
      Optional<SampleRatioCheck> srm,
      String reason) {
    last =
        new AuditRecord(
            now,
            spec.flagKey(),
            decision,
            Optional.ofNullable(transition),
            position.state(),
            position.step(),
            reason,
            checks,
            srm,
            context.config().actor());
    context.auditLog().record(last);
    events.publish(new GuardEvent.CheckEvent(last));
    return last;
  }

  void alert(Alert.Severity severity, String title, String detail) {
    context.alert(severity, spec.flagKey(), title, detail);
  }
}
