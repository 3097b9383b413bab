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
  /** A latency quantile (p99 by default), compared as a ratio canary/stable. Higher is worse. */
  LATENCY_QUANTILE(Direction.HIGHER_IS_WORSE);

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
    /** A fixed limit on the canary alone, such as "success rate at least 95%". */
    ABSOLUTE,
    /** A difference to stable in rate points, such as "no more than 5 pp below stable". */
    DIFFERENCE,
    /** A ratio to stable, such as "no more than 20% above stable" or "p99 at most 1.2x". */
    RELATIVE
  }
}
