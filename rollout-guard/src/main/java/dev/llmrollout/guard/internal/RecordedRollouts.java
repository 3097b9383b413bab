package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.Alert;
import dev.llmrollout.guard.RolloutRefusedException;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import java.util.Optional;

/** Finds the rollouts recorded next to flags, for a guard that resumes or starts one. */
public final class RecordedRollouts {
  private RecordedRollouts() {}

  /**
   * The record next to {@code flagKey}, if any. A flag that cannot be read, or a record that cannot
   * be parsed, alerts and is skipped: the next resume looks again. A flag that does not exist has
   * no record.
   */
  public static Optional<RolloutRecord> find(GuardContext context, String flagKey) {
    try {
      return context
          .control()
          .state(flagKey)
          .rolloutRecord()
          .map(json -> RolloutRecord.parse(flagKey, json));
    } catch (WriteBackException e) {
      if (e.kind() != WriteBackException.Kind.NOT_FOUND) {
        cannotResume(context, flagKey, e.getMessage());
      }
    } catch (IllegalArgumentException e) {
      cannotResume(context, flagKey, e.getMessage());
    }
    return Optional.empty();
  }

  /**
   * Refuses to start {@code spec} over a running rollout recorded next to the flag by another
   * controller (or an earlier life of this one), unless the spec is forced.
   *
   * @param runningHere the id of the rollout this guard runs on the flag, or null
   */
  public static void refuseOverAnother(RolloutSpec spec, FlagState current, String runningHere) {
    if (spec.force() || current.rolloutRecord().isEmpty()) {
      return;
    }
    RolloutRecord stored = RolloutRecord.parse(spec.flagKey(), current.rolloutRecord().get());
    if (!stored.rolloutId().equals(runningHere) && !stored.state().isFinal()) {
      throw new RolloutRefusedException(
          "flag '"
              + spec.flagKey()
              + "': a rollout of '"
              + stored.spec().canary()
              + "' is recorded "
              + stored.standing()
              + "; resume it, or force the new one");
    }
  }

  private static void cannotResume(GuardContext context, String flagKey, String why) {
    context.alert(
        Alert.Severity.CRITICAL,
        flagKey,
        "cannot look for a recorded rollout; it is not guarded by this controller",
        why);
  }
}
