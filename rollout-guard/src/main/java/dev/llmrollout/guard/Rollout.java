package dev.llmrollout.guard;

import java.util.Optional;

/**
 * One running rollout of one flag, started by {@link RolloutGuard#start}. Thread-safe: checks,
 * manual rollbacks and scheduled retries are serialized.
 */
public interface Rollout {

  /** What was started. */
  RolloutSpec spec();

  /** The current state. */
  RolloutState state();

  /** The current canary step index (0 for the first), -1 outside the canary. */
  int step();

  /**
   * Reads the signals, runs every test and acts on the outcome: promote, hold, roll back, halt, or
   * continue. Does nothing but report once the rollout is final.
   *
   * @return the audit record of this check
   */
  AuditRecord check();

  /** Checks now and then every {@link GuardConfig#checkInterval()} until the rollout is final. */
  void startChecking();

  /** Rolls back by hand, with the same write-back, verification and audit as an automatic one. */
  AuditRecord rollBack(String reason);

  /**
   * Why the rollout does not advance now: the last check held it, or it is HELD; empty while it
   * advances normally or once it is final.
   */
  Optional<HoldReason> holdReason();

  /** True once the rollback is written and read back from the flag's source of truth. */
  boolean rollbackVerified();

  /** Subscribe to this rollout's events. */
  EventPublisher eventPublisher();
}
