package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.HoldReason;
import dev.llmrollout.guard.RolloutState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a rollout stands, as much as a controller needs to take it up again: the state and step,
 * when each step (and the shadow phase) began, and the reasons it is held or was rolled back.
 *
 * @param steps the start of each canary step reached, and of each share a widened first step ran
 *     at, in order; the last is the running one
 * @param shadowStartedAt when the shadow phase began, if there was one
 * @param heldKind the kind of hold of a HELD rollout
 * @param evalGate how the rollout got past the eval gate, when recorded at its start
 */
public record RolloutProgress(
    RolloutState state,
    int step,
    List<RolloutRecord.StepStart> steps,
    Optional<Instant> shadowStartedAt,
    Optional<String> heldBecause,
    Optional<HoldReason> heldKind,
    Optional<String> automaticRollback,
    boolean rollbackVerified,
    Optional<String> evalGate) {

  public RolloutProgress {
    steps = List.copyOf(steps);
  }

  /**
   * When the running canary step began: its first start (a widened first step has one start per
   * share, and its bake clock and deadline run from the first); empty before the first step.
   */
  public Optional<Instant> stepStartedAt() {
    if (steps.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of((step == 0 ? steps.get(0) : steps.get(steps.size() - 1)).startedAt());
  }

  /** A rollout entering its first phase now: nothing begun, nothing recorded. */
  static RolloutProgress starting(RolloutState initialState) {
    return new RolloutProgress(
        initialState,
        initialState == RolloutState.CANARY ? 0 : -1,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        Optional.empty());
  }
}
