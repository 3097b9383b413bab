package dev.llmrollout.guard.internal;

import dev.llmrollout.guard.EventPublisher;
import dev.llmrollout.guard.GuardEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Typed listener lists; a throwing listener is logged and never stops the guard. */
public final class DefaultEventPublisher implements EventPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultEventPublisher.class);

  private final List<Consumer<GuardEvent>> listeners = new CopyOnWriteArrayList<>();

  @Override
  public EventPublisher onStateTransition(Consumer<GuardEvent.StateTransitionEvent> listener) {
    return typed(GuardEvent.StateTransitionEvent.class, listener);
  }

  @Override
  public EventPublisher onCheck(Consumer<GuardEvent.CheckEvent> listener) {
    return typed(GuardEvent.CheckEvent.class, listener);
  }

  @Override
  public EventPublisher onRollback(Consumer<GuardEvent.RollbackEvent> listener) {
    return typed(GuardEvent.RollbackEvent.class, listener);
  }

  @Override
  public EventPublisher onEvent(Consumer<GuardEvent> listener) {
    listeners.add(listener);
    return this;
  }

  /** Hands {@code event} to every listener that wants its type. */
  public void publish(GuardEvent event) {
    for (Consumer<GuardEvent> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        LOG.warn(
            "rollout event listener failed on {} for flag '{}'",
            event.getClass().getSimpleName(),
            event.flagKey(),
            e);
      }
    }
  }

  private <T extends GuardEvent> EventPublisher typed(Class<T> type, Consumer<T> listener) {
    listeners.add(
        event -> {
          if (type.isInstance(event)) {
            listener.accept(type.cast(event));
          }
        });
    return this;
  }
}
