package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.GuardEvent;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutState;
import dev.llmrollout.guard.StateTransition;

/**
 * Where one rollout stands, its state and canary step, and its moves: each is a {@link
 * StateTransition} (which rejects an illegal one), published before anything records it, so that
 * the rollout's record follows every move. Not thread-safe; its rollout serializes use.
 */
final class RolloutPosition {
  private final GuardContext context;
  private final RolloutSpec spec;
  private final DefaultEventPublisher events;
  private final RolloutPhases phases;
  private final ShadowStage shadowStage;
  private RolloutState state;
  private int step;

  RolloutPosition(
      GuardContext context,
      RolloutSpec spec,
      DefaultEventPublisher events,
      RolloutPhases phases,
      ShadowStage shadowStage,
      RolloutProgress progress) {
    this.context = context;
    this.spec = spec;
    this.events = events;
    this.phases = phases;
    this.shadowStage = shadowStage;
    this.state = progress.state();
    this.step = progress.step();
  }

  RolloutState state() {
    return state;
  }

  int step() {
    return step;
  }

  /** Moves to {@code to} at {@code toStep}; a new canary step or shadow phase begins now. */
  StateTransition moveTo(RolloutState to, int toStep, String why) {
    StateTransition t = new StateTransition(state, step, to, toStep);
    boolean newStep = to == RolloutState.CANARY;
    state = to;
    step = toStep;
    if (newStep || to == RolloutState.SHADOW) {
      beginPhase();
    }
    events.publish(
        new GuardEvent.StateTransitionEvent(spec.flagKey(), context.clock().instant(), t, why));
    return t;
  }

  /** The phase of where the rollout stands (the shadow phase or its canary step) begins now. */
  void beginPhase() {
    phases.begin(state, step);
    shadowStage.begin(state);
  }
}
