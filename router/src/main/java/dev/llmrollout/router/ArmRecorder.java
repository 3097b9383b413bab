package dev.llmrollout.router;

import dev.llmrollout.router.internal.RoutedCall;

/**
 * Counts one call's outcome for every flag that shaped it: the model flag's variant and, when the
 * request had one, the prompt flag's variant, so a rollout of either is judged on the same calls.
 * Calls pinned to a variant (offline evaluation) go to their own store, never to the live signals
 * the rollout guard reads.
 */
final class ArmRecorder {
  private final VariantStats live;
  private final VariantStats pinned;

  ArmRecorder(VariantStats live, VariantStats pinned) {
    this.live = live;
    this.pinned = pinned;
  }

  void record(RoutedCall call, CallOutcome outcome) {
    call.record(call.pinned() ? pinned : live, outcome);
  }
}
