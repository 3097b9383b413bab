package dev.llmrollout.guard;

import dev.llmrollout.guard.internal.RolloutRecord;
import dev.llmrollout.spi.FlagState;
import java.util.Optional;

/**
 * The rule a restore obeys after the guard rolled a rollout back by itself: the canary comes back
 * only on an explicit force, with a reason. {@link RolloutGuard#restore} applies it to the rollouts
 * it runs; an operator command that restores through the backend, outside any guard, applies it to
 * the rollout record stored next to the flag, so neither path puts a rolled-back canary back
 * silently.
 */
public final class RestoreRefusal {
  private RestoreRefusal() {}

  /**
   * Why the latest rollout recorded next to the flag was rolled back automatically; empty when it
   * was not, or no rollout is recorded.
   *
   * @throws IllegalArgumentException when the stored record cannot be read: the restore must not
   *     guess
   */
  public static Optional<String> automaticRollback(String flagKey, FlagState state) {
    return state
        .rolloutRecord()
        .flatMap(json -> RolloutRecord.parse(flagKey, json).progress().automaticRollback());
  }

  /**
   * Refuses a restore of {@code flagKey} after an automatic rollback unless it is forced.
   *
   * @param automaticRollback why the guard rolled the flag's rollout back, empty when it did not
   * @throws RolloutRefusedException after an automatic rollback without force
   */
  public static void check(String flagKey, Optional<String> automaticRollback, boolean force) {
    if (automaticRollback.isPresent() && !force) {
      throw new RolloutRefusedException(
          "flag '"
              + flagKey
              + "' was rolled back automatically ("
              + automaticRollback.get()
              + "); restore needs force and a reason");
    }
  }
}
