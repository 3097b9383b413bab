package dev.llmrollout.guard;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A move of a rollout from one state (and canary step) to another. The legal moves are a table
 * ({@link #isLegal}); the constructor rejects any other.
 *
 * @param from the state before
 * @param fromStep the canary step index before (-1 outside the canary)
 * @param to the state after
 * @param toStep the canary step index after (-1 outside the canary)
 */
public record StateTransition(RolloutState from, int fromStep, RolloutState to, int toStep) {
  private static final Map<RolloutState, Set<RolloutState>> LEGAL = legalMoves();

  /**
   * @throws IllegalStateException when the table does not allow the move
   */
  public StateTransition {
    if (!isLegal(from, fromStep, to, toStep)) {
      throw new IllegalStateException(
          "illegal rollout transition " + label(from, fromStep) + " -> " + label(to, toStep));
    }
  }

  /**
   * True for the moves the guard may make: SHADOW to CANARY step 1, HELD, ROLLED_BACK or HALTED;
   * CANARY to a later step, HELD, PROMOTED, ROLLED_BACK or HALTED; HELD to a later step (adopted
   * from another guard), ROLLED_BACK or HALTED; nothing out of PROMOTED, ROLLED_BACK, HALTED.
   */
  public static boolean isLegal(RolloutState from, int fromStep, RolloutState to, int toStep) {
    if (from == null || to == null || !LEGAL.get(from).contains(to)) {
      return false;
    }
    boolean canaryStepsOk =
        switch (to) {
          case CANARY -> from == RolloutState.SHADOW ? toStep == 0 : toStep > fromStep;
          case HELD -> toStep == fromStep;
          default -> true;
        };
    return canaryStepsOk;
  }

  private static Map<RolloutState, Set<RolloutState>> legalMoves() {
    Map<RolloutState, Set<RolloutState>> moves = new EnumMap<>(RolloutState.class);
    moves.put(
        RolloutState.SHADOW,
        EnumSet.of(
            RolloutState.CANARY, RolloutState.HELD, RolloutState.ROLLED_BACK, RolloutState.HALTED));
    moves.put(
        RolloutState.CANARY,
        EnumSet.of(
            RolloutState.CANARY,
            RolloutState.HELD,
            RolloutState.PROMOTED,
            RolloutState.ROLLED_BACK,
            RolloutState.HALTED));
    moves.put(
        RolloutState.HELD,
        EnumSet.of(RolloutState.CANARY, RolloutState.ROLLED_BACK, RolloutState.HALTED));
    moves.put(RolloutState.PROMOTED, EnumSet.noneOf(RolloutState.class));
    moves.put(RolloutState.ROLLED_BACK, EnumSet.noneOf(RolloutState.class));
    moves.put(RolloutState.HALTED, EnumSet.noneOf(RolloutState.class));
    return moves;
  }

  @Override
  public String toString() {
    return label(from, fromStep) + " -> " + label(to, toStep);
  }

  private static String label(RolloutState state, int step) {
    return state == RolloutState.CANARY ? "CANARY step " + (step + 1) : String.valueOf(state);
  }
}
