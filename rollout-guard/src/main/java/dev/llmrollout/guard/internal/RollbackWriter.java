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
 * Writes a rollback through the flag's backend until it is verified: kill to stable
 * (unconditionally, so a rollback always wins over a concurrent promotion), read the flag back,
 * and, when a probe is configured, evaluate it afresh. Failures are retried with exponential
 * backoff on the guard's scheduler; the in-process override serves stable meanwhile.
 */
final class RollbackWriter {
  private final GuardContext context;
  private final String flagKey;
  private final String stable;
  private final Consumer<RollbackEvent> events;
  private final Runnable onVerified;

  RollbackWriter(
      GuardContext context,
      String flagKey,
      String stable,
      Consumer<RollbackEvent> events,
      Runnable onVerified) {
    this.context = context;
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
      context
          .control()
          .kill(flagKey, stable, ChangeRequest.because(reason).by(context.config().actor()));
      verify();
    } catch (RuntimeException e) {
      String detail = "attempt " + attempt + " failed: " + e.getMessage();
      events.accept(
          new RollbackEvent(
              flagKey, context.clock().instant(), Phase.ATTEMPT_FAILED, attempt, detail));
      if (attempt == 1 || !retryable(e)) {
        context
            .alertHook()
            .alert(
                new Alert(
                    context.clock().instant(),
                    Alert.Severity.CRITICAL,
                    flagKey,
                    "rollback write-back to stable is failing; the in-process override serves"
                        + " stable meanwhile",
                    detail));
      }
      Duration next = backoff.multipliedBy(2);
      Duration capped =
          next.compareTo(context.config().retryMaxBackoff()) > 0
              ? context.config().retryMaxBackoff()
              : next;
      context.scheduler().schedule(() -> attempt(reason, attempt + 1, capped), backoff);
      return;
    }
    events.accept(
        new RollbackEvent(
            flagKey,
            context.clock().instant(),
            Phase.VERIFIED,
            attempt,
            "flag read back killed to '" + stable + "'"));
    onVerified.run();
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
