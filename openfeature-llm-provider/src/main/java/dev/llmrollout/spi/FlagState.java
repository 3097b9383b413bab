package dev.llmrollout.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * @param version the source's version of this flag, for conditional writes; it covers the rollout
 *     record too, so a record written by someone else makes a conditional write fail
 * @param rolloutRecord the rollout record stored next to the flag by {@link
 *     RolloutControl#writeRolloutRecord}, read together with {@code version}; empty when none is
 *     stored or the source keeps none
 */
public record FlagState(
    String flagKey,
    boolean enabled,
    List<String> variants,
    String defaultVariant,
    Map<String, Double> weights,
    Optional<String> killedTo,
    String version,
    Optional<String> rolloutRecord) {

  public FlagState {
    variants = List.copyOf(variants);
    weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    Objects.requireNonNull(rolloutRecord, "rolloutRecord");
  }

  /** A state without a rollout record, for sources that store none. */
  public FlagState(
      String flagKey,
      boolean enabled,
      List<String> variants,
      String defaultVariant,
      Map<String, Double> weights,
      Optional<String> killedTo,
      String version) {
    this(flagKey, enabled, variants, defaultVariant, weights, killedTo, version, Optional.empty());
  }

  /** The share of traffic {@code variant} gets, in percent. */
  public double share(String variant) {
    return weights.getOrDefault(variant, 0.0);
  }

  public boolean killed() {
    return killedTo.isPresent();
  }
}
