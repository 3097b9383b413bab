package dev.llmrollout.guard;

/**
 * Where a rollout is. Transitions between them are published as {@link StateTransition}s; only
 * those in {@link StateTransition#isLegal} happen, any other throws.
 */
public enum RolloutState {
  /** The candidate answers copies of requests in the background; it serves no one. */
  SHADOW,
  /** The candidate serves the current step's share of traffic. */
  CANARY,
  /**
   * The candidate keeps its step's share and the rules keep being checked (a broken rule still
   * rolls back), but nothing advances: the unit split does not match the plan, or the step could
   * not gather its evidence in time. An operator rolls back or forces a new rollout.
   */
  HELD,
  /** The candidate serves everyone; the rollout is done. */
  PROMOTED,
  /** A rule broke (or an operator asked); everyone is back on stable. */
  ROLLED_BACK,
  /** A forced rollout of the same flag took over; this one stopped without touching the flag. */
  HALTED;

  /** True when the rollout will not move on its own any more. */
  public boolean isFinal() {
    return this == PROMOTED || this == ROLLED_BACK || this == HALTED;
  }
}
