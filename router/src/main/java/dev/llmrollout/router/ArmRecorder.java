package dev.llmrollout.router;

import dev.llmrollout.router.internal.SelectedVariant;
import java.util.Optional;

/**
 * Counts one call's outcome for every flag that shaped it: the model flag's variant and, when the
 * request had one, the prompt flag's variant, so a rollout of either is judged on the same calls.
 */
final class ArmRecorder {
  private final VariantStats signals;

  ArmRecorder(VariantStats signals) {
    this.signals = signals;
  }

  void record(
      SelectedVariant model,
      Optional<SelectedVariant> prompt,
      String segment,
      CallOutcome outcome) {
    signals.record(model.flagKey(), model.name(), segment, outcome);
    prompt.ifPresent(p -> signals.record(p.flagKey(), p.name(), segment, outcome));
  }
}
