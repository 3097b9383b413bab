package dev.llmrollout.contract;

/**
 * What a backend can be asked to show in the contract kit. A harness declares, with a reason, each
 * one its backend lacks; the tests that need it are then skipped with that reason (never passed).
 */
public enum Capability {
  /** A conditional write the source itself refuses when the version moved (compare-and-set). */
  ATOMIC_CONDITIONAL_WRITE,
  /** The source can be made unreachable and reachable again, and the backend reports STALE. */
  OUTAGE,
  /** A backend started while its source is unreachable serves the last configuration it had. */
  LAST_KNOWN_GOOD_AT_START,
  /** Credentials can be rejected (401) or lack the right to write (403). */
  CREDENTIALS,
  /** The write-back lists its recent changes ({@link dev.llmrollout.spi.ChangeHistory}). */
  CHANGE_HISTORY,
  /**
   * The write-back refuses a rollout record longer than its storage takes, or not JSON, naming the
   * field it stores the record in ({@link dev.llmrollout.spi.RolloutRecords#requireStorable}).
   */
  ROLLOUT_RECORD_LIMIT,
  /**
   * The backend can be opened by type in another JVM ({@link dev.llmrollout.spi.BackendFactory}).
   */
  OPEN_IN_ANOTHER_PROCESS
}
