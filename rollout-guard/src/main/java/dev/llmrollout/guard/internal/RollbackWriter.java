package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.GuardEvent.RollbackEvent;
import dev.llmrollout.guard.GuardEvent.RollbackEvent.Phase;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Writes a rollback through the flag's backend until it is verified: kill to stable, read the flag
 * back, and, when a probe is configured, evaluate it afresh. The kill is fenced by the rollout's
 * lease: on a conflict the flag is read again and, unless another guard owns the rollout now (then
 * this one stops, its new owner judges), the kill is written again on the version read, so a
 * rollback still wins over any other change. Failures are retried with exponential backoff on the
 * guard's scheduler; the in-process override serves stable meanwhile.
 */
final class RollbackWriter {
  private final GuardContext context;
  private final String flagKey;
  private final String stable;
  private final Consumer<RollbackEvent> events;
  private final Runnable onVerified;
  private final RolloutLease lease;

  RollbackWriter(
      GuardContext context,
      String flagKey,
      String stable,
      RolloutLease lease,
      Consumer<RollbackEvent> events,
      Runnable onVerified) {
    this.context = context;
    this.lease = lease;
    this.flagKey = flagKey;
    this.stable = stable;
    this.events = events;
    this.onVerified = onVerified;
  }

  /** Makes the first attempt now; later ones are scheduled. */
  void start(String reason) {
    events.accept(new RollbackEvent(flagKey, context.clock().instant(), Phase.STARTED, 0, reason));
    attempt(reason, 1, context.config().retryInitialBackoff());
  }

  private void attempt(String reason, int attempt, Duration backoff) {
    try {
      if (!killFenced(reason)) {
        return;
      }
      verify();
    } catch (RuntimeException e) {
      String detail = "attempt " + attempt + " failed: " + e.getMessage();
      events.accept(
          new RollbackEvent(
              flagKey, context.clock().instant(), Phase.ATTEMPT_FAILED, attempt, detail));
      if (attempt == 1 || !retryable(e)) {
        context.alert(
            Alert.Severity.CRITICAL,
            flagKey,
            "rollback write-back to stable is failing; the in-process override serves"
                + " stable meanwhile",
            detail);
      }
      Duration next = backoff.multipliedBy(2);
      Duration capped =
          next.compareTo(context.config().retryMaxBackoff()) > 0
              ? context.config().retryMaxBackoff()
              : next;
      context.scheduler().schedule(() -> attempt(reason, attempt + 1, capped), backoff);
      return;
    }
    onVerified.run();
    events.accept(
        new RollbackEvent(
            flagKey,
            context.clock().instant(),
            Phase.VERIFIED,
            attempt,
            "flag read back killed to '" + stable + "'"));
  }

  /**
   * Kills on the version this guard last saw; after a conflict, once more on the version read then.
   *
   * @return false when another guard owns the rollout now and this one must stop
   */
  private boolean killFenced(String reason) {
    ChangeRequest request = ChangeRequest.because(reason).by(context.config().actor());
    try {
      lease.saw(context.control().kill(flagKey, stable, lease.fence(request)));
      return true;
    } catch (WriteBackException e) {
      if (e.kind() != WriteBackException.Kind.CONFLICT) {
        throw e;
      }
    }
    FlagState now = context.control().state(flagKey);
    var stored = lease.stored(now);
    if (stored.isPresent() && !lease.isMine(stored.get())) {
      lease.lose(stored.get().owner(), "the rollback's kill was fenced off by another owner");
      events.accept(
          new RollbackEvent(
              flagKey,
              context.clock().instant(),
              Phase.ATTEMPT_FAILED,
              0,
              "stopped: " + stored.get().owner() + " owns the rollout now and judges it"));
      return false;
    }
    lease.saw(now);
    lease.saw(context.control().kill(flagKey, stable, lease.fence(request)));
    return true;
  }

  private void verify() {
    FlagState readBack = context.control().state(flagKey);
    if (!readBack.killedTo().map(stable::equals).orElse(false)) {
      throw new WriteBackException(
          WriteBackException.Kind.NOT_VERIFIED,
          flagKey,
          "flag '"
              + flagKey
              + "' read back "
              + readBack.killedTo().map(v -> "killed to '" + v + "'").orElse("not killed")
              + ", expected killed to '"
              + stable
              + "'");
    }
    context
        .probe()
        .ifPresent(
            probe -> {
              String served = probe.servedVariant(flagKey);
              if (!stable.equals(served)) {
                throw new WriteBackException(
                    WriteBackException.Kind.NOT_VERIFIED,
                    flagKey,
                    "flag '"
                        + flagKey
                        + "' still evaluates to '"
                        + served
                        + "', expected '"
                        + stable
                        + "'");
              }
            });
  }

  private static boolean retryable(RuntimeException e) {
    return e instanceof WriteBackException w && w.kind().retryable();
  }
}
