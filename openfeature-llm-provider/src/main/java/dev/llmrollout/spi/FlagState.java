package dev.llmrollout.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A flag's rollout state as read from its source of truth.
 *
 * @param flagKey the flag
 * @param enabled false when the flag is switched off (everyone gets the caller's default)
 * @param variants every variant the flag defines, in its order
 * @param defaultVariant the variant served when no rule or split applies
 * @param weights the split in effect, in percent per variant (summing to 100), in split order; a
 *     flag without a split reports its default variant at 100
 * @param killedTo the safe variant when a kill switch is in effect
 * @param version the source's version of this flag, for conditional writes
 */
public record FlagState(
    String flagKey,
    boolean enabled,
    List<String> variants,
    String defaultVariant,
    Map<String, Double> weights,
    Optional<String> killedTo,
    String version) {

  public FlagState {
    variants = List.copyOf(variants);
    weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
  }

  /** The share of traffic {@code variant} gets, in percent. */
  public double share(String variant) {
    return weights.getOrDefault(variant, 0.0);
  }

  public boolean killed() {
    return killedTo.isPresent();
  }
}
