package dev.llmrollout.guard;

/** A quality signal a {@link Rule} watches, read from the router's per-arm signals. */
public enum Metric {
  /** Requests with a usable answer, over requests. Lower is worse. */
  SUCCESS_RATE(Direction.LOWER_IS_WORSE),
  /** Failed requests (HTTP error, timeout, unparsable answer), over requests. Higher is worse. */
  ERROR_RATE(Direction.HIGHER_IS_WORSE),
  /** Answers that matched a refusal pattern, over requests. Higher is worse. */
  REFUSAL_RATE(Direction.HIGHER_IS_WORSE),
  /** Feedback events of one name (such as {@code thumbs_down}) over requests with feedback. */
  FEEDBACK_RATE(Direction.HIGHER_IS_WORSE),
  /**
   * A latency quantile, watched through the share of requests slower than both arms' quantile in
   * the same step. Higher is worse.
   */
  LATENCY_QUANTILE(Direction.HIGHER_IS_WORSE),
  /**
   * The live judge's mean score (0 to 1) on the rubric, over the sampled answers it scored (judge
   * failures never count). Lower is worse.
   */
  JUDGE_SCORE(Direction.LOWER_IS_WORSE);

  private final Direction usualDirection;

  Metric(Direction usualDirection) {
    this.usualDirection = usualDirection;
  }

  /** The direction in which this metric usually gets worse. */
  public Direction usualDirection() {
    return usualDirection;
  }

  /** Which way a metric moves when the canary is worse. */
  public enum Direction {
    LOWER_IS_WORSE,
    HIGHER_IS_WORSE
  }

  /** How a rule's threshold is expressed. */
  public enum Comparison {
    /** A difference to stable in rate points, such as "no more than 5 pp below stable". */
    DIFFERENCE,
    /** A relative change against stable, tested as a log ratio, such as "20 % more errors". */
    RELATIVE
  }
}
