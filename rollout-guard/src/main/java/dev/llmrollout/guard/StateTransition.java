package dev.llmrollout.guard;

/**
 * A move of a rollout from one state (and canary step) to another.
 *
 * @param from the state before
 * @param fromStep the canary step index before (-1 outside the canary)
 * @param to the state after
 * @param toStep the canary step index after (-1 outside the canary)
 */
public record StateTransition(RolloutState from, int fromStep, RolloutState to, int toStep) {

  @Override
  public String toString() {
    return label(from, fromStep) + " -> " + label(to, toStep);
  }

  private static String label(RolloutState state, int step) {
    return state == RolloutState.CANARY ? "CANARY step " + (step + 1) : state.name();
  }
}
