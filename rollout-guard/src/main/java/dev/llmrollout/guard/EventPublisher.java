package dev.llmrollout.guard;

import java.util.function.Consumer;

/**
 * Lets listeners subscribe to one rollout's events, by type.
 *
 * <pre>{@code
 * rollout.eventPublisher()
 *     .onStateTransition(event -> log.info("{}: {}", event.flagKey(), event.transition()))
 *     .onRollback(event -> metrics.count(event.phase()));
 * }</pre>
 *
 * <p>Listeners run on the checking thread; a listener that throws is logged and skipped, never
 * allowed to stop a rollback.
 */
public interface EventPublisher {

  /** Every state or step change. */
  EventPublisher onStateTransition(Consumer<GuardEvent.StateTransitionEvent> listener);

  /** Every check, with its audit record. */
  EventPublisher onCheck(Consumer<GuardEvent.CheckEvent> listener);

  /** Rollback write-back progress. */
  EventPublisher onRollback(Consumer<GuardEvent.RollbackEvent> listener);

  /** Every event. */
  EventPublisher onEvent(Consumer<GuardEvent> listener);
}
