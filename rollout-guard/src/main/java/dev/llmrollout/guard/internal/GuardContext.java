package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.AlertHook;
import dev.llmrollout.guard.AuditLog;
import dev.llmrollout.guard.EvalGate;
import dev.llmrollout.guard.EvaluationProbe;
import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.GuardScheduler;
import dev.llmrollout.provider.KillSwitchOverride;
import dev.llmrollout.signals.PairSignalSource;
import dev.llmrollout.signals.SignalSource;
import dev.llmrollout.spi.RolloutControl;
import java.time.Clock;
import java.util.Optional;

/**
 * What every rollout of one guard shares.
 *
 * @param owner this guard's identity on the leases of durable rollouts
 */
public record GuardContext(
    RolloutControl control,
    SignalSource signals,
    GuardConfig config,
    Clock clock,
    GuardScheduler scheduler,
    KillSwitchOverride override,
    AuditLog auditLog,
    AlertHook alertHook,
    Optional<EvaluationProbe> probe,
    Optional<EvalGate> evalGate,
    String owner,
    Optional<PairSignalSource> shadowPairs) {

  /** Raises an alert about {@code flagKey}, at this guard's clock. */
  public void alert(Alert.Severity severity, String flagKey, String title, String detail) {
    alertHook().alert(new Alert(clock().instant(), severity, flagKey, title, detail));
  }
}
