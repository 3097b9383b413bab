package dev.llmrollout.router.cli;

import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.Resolution;
import dev.openfeature.sdk.ImmutableContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Evaluates a flag for many synthetic targeting keys through a running backend, to confirm that a
 * write-back reached evaluation, not only the source's storage.
 */
final class AssignmentProbe implements AutoCloseable {
  static final int KEYS = 2_000;

  private final FlagBackend backend;
  private final String flagKey;

  AssignmentProbe(FlagBackend backend, String flagKey, Duration startTimeout) {
    this.backend = backend;
    this.flagKey = flagKey;
    backend.start(new BackendListener() {}, startTimeout);
  }

  /** How many of the keys get each variant now. */
  Map<String, Integer> assignments() {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      Resolution resolution = backend.resolve(flagKey, new ImmutableContext("probe-" + i));
      String variant =
          resolution.variant() == null ? "(caller default)" : resolution.variant().name();
      counts.merge(variant, 1, Integer::sum);
    }
    return counts;
  }

  /**
   * Evaluates until {@code condition} holds or {@code timeout} passes.
   *
   * @return how long it took
   * @throws VerificationException with the last assignments when it never held
   */
  Duration awaitAssignments(
      Predicate<Map<String, Integer>> condition, String expectation, Duration timeout) {
    Instant start = Instant.now();
    Map<String, Integer> last = assignments();
    while (!condition.test(last)) {
      if (Duration.between(start, Instant.now()).compareTo(timeout) > 0) {
        throw new VerificationException(
            "flag '"
                + flagKey
                + "': evaluations did not show "
                + expectation
                + " within "
                + timeout.toSeconds()
                + " s; last seen "
                + last);
      }
      sleep();
      last = assignments();
    }
    return Duration.between(start, Instant.now());
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VerificationException("interrupted while verifying");
    }
  }

  @Override
  public void close() {
    backend.close();
  }

  /** A write that the source accepted but evaluations do not (yet) show. */
  static final class VerificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    VerificationException(String message) {
      super(message);
    }
  }
}
