package dev.llmrollout.provider;

import java.util.Optional;

/**
 * An in-process answer that takes precedence over the flag's backend: {@link LlmFeatureProvider}
 * asks it before the backend on every evaluation, so that a rollback serves the safe variant at
 * once, even while the vendor write is slow or failing, in the gateway and in any application that
 * embeds the provider alike.
 *
 * <pre>{@code
 * KillSwitchOverride killSwitch = new KillSwitchOverride();
 * LlmFeatureProvider provider =
 *     LlmFeatureProvider.builder(backend).servingOverride(killSwitch).build();
 * RolloutGuard guard = RolloutGuard.builder(control, signals).override(killSwitch).build();
 * }</pre>
 */
@FunctionalInterface
public interface ServingOverride {

  /** Forces nothing: every evaluation goes to the backend. */
  ServingOverride NONE = flagKey -> Optional.empty();

  /** The variant every evaluation of {@code flagKey} must serve now, if one is forced. */
  Optional<String> forcedVariant(String flagKey);
}
