package dev.llmrollout.guard;

/**
 * Why a rollout is not advancing, in a few fixed kinds (for gauges and dashboards; the audit
 * record's reason carries the detail). Read with {@link Rollout#holdReason()}.
 */
public enum HoldReason {
  /** The last check could not read the signals (a fleet's metrics missing or stale). */
  SIGNALS_UNAVAILABLE,
  /** The units do not split as planned; the rollout is HELD. */
  SAMPLE_RATIO_MISMATCH,
  /** A step lacked its minimums or evidence at its maximum duration; the rollout is HELD. */
  STEP_TIMEOUT,
  /** The shadow phase passed but the eval gate refuses the canary. */
  EVAL_GATE
}
