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

  /**
   * Stores a rollout's record next to the flag, so that a controller that restarts, or another one
   * elsewhere, finds the rollout where the flag lives. The record is opaque to the source: a JSON
   * document whose schema its writer versions (the rollout guard's {@code RolloutRecord}).
   *
   * <p>The contract every source keeps:
   *
   * <ul>
   *   <li>The record does not change what the flag serves.
   *   <li>The record is part of the flag's version: writing it gives the flag a new version, and
   *       {@link #state} returns the record read together with that version (never a record from
   *       one read and a version from another).
   *   <li>With {@link ChangeRequest#ifVersion}, the write fails with {@link
   *       WriteBackException.Kind#CONFLICT} when the flag or its record changed since that version;
   *       this is what fences a controller that lost its lease.
   *   <li>The state returned is read back after the write and carries the record written.
   * </ul>
   *
   * <pre>{@code
   * FlagState now = control.state("support-model");
   * control.writeRolloutRecord("support-model", recordJson,
   *     ChangeRequest.because("lease renewed").by("guard-a").ifVersion(now.version()));
   * }</pre>
   *
   * @param recordJson the record, a JSON document; null removes the stored record
   * @throws WriteBackException {@code INVALID_REQUEST} when the record is not JSON or exceeds what
   *     the source can store, naming the limit
   */
  FlagState writeRolloutRecord(String flagKey, String recordJson, ChangeRequest request);
}
