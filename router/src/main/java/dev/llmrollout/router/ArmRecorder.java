package dev.llmrollout.router;

import dev.llmrollout.router.internal.SelectedVariant;
import java.util.Optional;

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

  void record(
      SelectedVariant model,
      Optional<SelectedVariant> prompt,
      String segment,
      String targetingKey,
      CallOutcome outcome) {
    VariantStats store = model.pinned() ? pinned : live;
    store.record(model.flagKey(), model.name(), segment, targetingKey, outcome);
    prompt.ifPresent(p -> store.record(p.flagKey(), p.name(), segment, targetingKey, outcome));
  }
}
