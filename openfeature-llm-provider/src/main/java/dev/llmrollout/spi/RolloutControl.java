package dev.llmrollout.spi;

import java.util.Map;

/**
 * Writes a flag's rollout back to where it lives, the way an operator would in the vendor's
 * console: read its state, set its split, kill it to a safe variant, restore what the kill
 * replaced.
 *
 * <p>Every write takes a {@link ChangeRequest} (reason, actor, optionally the version the writer
 * last read) and returns the state read back after the write. When the request carries an expected
 * version and the flag changed since, the write fails with {@link WriteBackException.Kind#CONFLICT}
 * so two writers cannot silently overwrite each other. A failed write throws; it never returns as
 * if it had succeeded.
 *
 * <pre>{@code
 * FlagState now = control.state("support-model");
 * control.setWeights("support-model", Map.of("stable", 75.0, "canary", 25.0),
 *     ChangeRequest.because("step 2 of the canary plan").by("rollout-guard").ifVersion(now.version()));
 * }</pre>
 */
public interface RolloutControl {

  /** The flag's current state, read from the source of truth (not from a cache). */
  FlagState state(String flagKey);

  /**
   * Sets the flag's split.
   *
   * @param weights percentages per variant, each from 0 to 100, summing to 100
   */
  FlagState setWeights(String flagKey, Map<String, Double> weights, ChangeRequest request);

  /**
   * Sends every evaluation of the flag to {@code safeVariant}, remembering what it replaced so that
   * {@link #restore} can put it back. Killing a killed flag keeps the first memory.
   */
  FlagState kill(String flagKey, String safeVariant, ChangeRequest request);

  /** Puts back what the last kill replaced. Fails when the flag is not killed. */
  FlagState restore(String flagKey, ChangeRequest request);
}
