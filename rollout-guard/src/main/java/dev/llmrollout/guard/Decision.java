package dev.llmrollout.guard;

/** What one check of a rollout decided. */
public enum Decision {
  /** Nothing is broken and the step's minimums are not met yet. */
  CONTINUE,
  /** The step's minimums are met and no rule is broken: move to the next step (or finish). */
  PROMOTE,
  /** The step timed out before its minimum sample: stay, never promote. */
  HOLD,
  /** A rule broke: kill to stable. */
  ROLL_BACK,
  /** The split itself is broken (sample ratio mismatch): stop advancing and alert. */
  HALT
}
