package dev.llmrollout.router.internal;

import dev.llmrollout.router.FlagSelection;
import dev.llmrollout.variant.LlmVariant;

/**
 * A flag's evaluated variant with its typed value, looked up (never parsed) by name.
 *
 * @param selection what the flag served
 * @param variant the typed variant
 */
public record SelectedVariant(FlagSelection selection, LlmVariant variant) {
  public String flagKey() {
    return selection.flagKey();
  }

  public String name() {
    return selection.variant();
  }

  /** True when the variant was chosen by name, not by the flag's rules (eval traffic). */
  public boolean pinned() {
    return FlagSelection.REASON_PINNED.equals(selection.reason());
  }

  /** Names the flag and variant in messages. */
  public String where() {
    return "flag '" + flagKey() + "' variant '" + name() + "'";
  }
}
