package dev.llmrollout.guard;

/** Where a rollout is. Transitions between them are published as {@link StateTransition}s. */
public enum RolloutState {
  /** The candidate answers copies of requests in the background; it serves no one. */
  SHADOW,
  /** The candidate serves the current step's share of traffic. */
  CANARY,
  /** The candidate serves everyone; the rollout is done. */
  PROMOTED,
  /** A rule broke (or an operator asked); everyone is back on stable. */
  ROLLED_BACK,
  /** The data cannot be trusted (sample ratio mismatch); the split stays, nothing advances. */
  HALTED;

  /** True when the rollout will not move on its own any more. */
  public boolean isFinal() {
    return this == PROMOTED || this == ROLLED_BACK || this == HALTED;
  }
}
