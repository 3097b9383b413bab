package dev.llmrollout.guard;

import java.time.Instant;

/** Something a rollout did, published to the listeners of its {@link EventPublisher}. */
public sealed interface GuardEvent
    permits GuardEvent.StateTransitionEvent,
        GuardEvent.CheckEvent,
        GuardEvent.RollbackEvent,
        GuardEvent.OwnershipEvent {

  /** The flag rolled out. */
  String flagKey();

  /** When it happened, on the guard's clock. */
  Instant at();

  /**
   * The rollout moved from one state or step to another.
   *
   * @param reason why, in a sentence
   */
  record StateTransitionEvent(String flagKey, Instant at, StateTransition transition, String reason)
      implements GuardEvent {}

  /** A check ran; the audit record carries its decision and statistics. */
  record CheckEvent(AuditRecord record) implements GuardEvent {
    @Override
    public String flagKey() {
      return record.flagKey();
    }

    @Override
    public Instant at() {
      return record.at();
    }
  }

  /**
   * Progress of a rollback's write-back to the flag's source of truth.
   *
   * @param phase what happened
   * @param attempt the write attempt, from 1
   * @param detail the failure's message, or a description of what was verified
   */
  record RollbackEvent(String flagKey, Instant at, Phase phase, int attempt, String detail)
      implements GuardEvent {

    /** The steps of a rollback write-back. */
    public enum Phase {
      /** The in-process override serves stable; the write-back begins. */
      STARTED,
      /** A write or its verification failed; another attempt is scheduled. */
      ATTEMPT_FAILED,
      /** The source of truth was read back killed to stable (and evaluations return stable). */
      VERIFIED
    }
  }

  /**
   * A durable rollout's lease changed hands: this guard took the rollout (at start, on resume, or
   * over a lapsed lease), or lost it to another guard and stopped acting on it.
   *
   * @param change what happened to this guard's ownership
   * @param owner the guard holding the lease now
   * @param previousOwner the guard that held it before, if known
   * @param detail why, in a sentence
   */
  record OwnershipEvent(
      String flagKey, Instant at, Change change, String owner, String previousOwner, String detail)
      implements GuardEvent {

    /** Which way ownership moved. */
    public enum Change {
      /** This guard holds the lease and acts on the rollout. */
      ACQUIRED,
      /** Another guard holds the lease; this one stands by and writes nothing. */
      LOST
    }
  }
}
