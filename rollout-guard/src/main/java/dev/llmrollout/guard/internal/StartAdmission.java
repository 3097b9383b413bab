package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.RolloutRefusedException;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.spi.FlagState;

/**
 * Whether a rollout may start on its flag: one change at a time (no rollout running in this guard
 * or recorded next to the flag by another controller, no split already showing a canary, unless the
 * spec is forced), both variants on the flag, the flag not killed.
 */
public final class StartAdmission {
  private StartAdmission() {}

  /**
   * Refuses {@code spec} over the rollout this guard runs on its flag, unless forced: checked
   * before the flag is read.
   *
   * @param running the latest rollout this guard has of the flag, or null
   * @throws RolloutRefusedException naming the flag and the running canary
   */
  public static void refuseOverRunning(RolloutSpec spec, DurableRollout running) {
    if (running != null && !running.state().isFinal() && !spec.force()) {
      throw new RolloutRefusedException(
          "flag '"
              + spec.flagKey()
              + "': a rollout of '"
              + running.spec().canary()
              + "' is running ("
              + running.state()
              + "); finish it or force the new one");
    }
  }

  /**
   * Refuses {@code spec} over the flag as just read: a running rollout recorded next to it by
   * another controller, a variant it lacks, a kill, or a split another change made.
   *
   * @param running the latest rollout this guard has of the flag, or null
   * @throws IllegalArgumentException when the flag lacks the spec's stable or canary variant
   * @throws RolloutRefusedException naming the flag and what stands in the way
   */
  public static void refuseOverFlag(RolloutSpec spec, FlagState current, DurableRollout running) {
    RecordedRollouts.refuseOverAnother(spec, current, running == null ? null : running.rolloutId());
    for (String variant : new String[] {spec.stable(), spec.canary()}) {
      if (!current.variants().contains(variant)) {
        throw new IllegalArgumentException(
            "flag '"
                + spec.flagKey()
                + "' has no variant '"
                + variant
                + "', expected one of "
                + current.variants());
      }
    }
    if (current.killed()) {
      throw new RolloutRefusedException(
          "flag '"
              + spec.flagKey()
              + "' is killed to '"
              + current.killedTo().get()
              + "'; restore it before a rollout");
    }
    long serving = current.weights().values().stream().filter(w -> w > 0 && w < 100).count();
    if (serving > 1 && !spec.force()) {
      throw new RolloutRefusedException(
          "flag '"
              + spec.flagKey()
              + "' is already split "
              + current.weights()
              + ": another change covers this traffic; finish it or force the new one");
    }
  }
}
