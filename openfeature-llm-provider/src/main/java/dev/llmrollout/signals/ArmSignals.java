package dev.llmrollout.signals;

/**
 * What has been observed for one variant of one flag (one arm), optionally within one segment, at
 * the moment of the snapshot. Counts only grow while a rollout runs.
 */
public interface ArmSignals {

  /** Routed requests that reached the variant's endpoint (or failed trying). */
  long requests();

  /** Requests that failed: HTTP error status, timeout, unparsable response. */
  long errors();

  /** Answers that matched a refusal pattern. */
  long refusals();

  /** Requests with a usable answer: no error, no refusal, not empty. */
  long successes();

  /** Feedback events of this name attributed to the arm, such as {@code thumbs_down}. */
  long feedback(String eventName);

  /** Requests for which any feedback arrived, the denominator of feedback rates. */
  long feedbackRequests();

  /** The latency at quantile {@code q} (0 to 1) in milliseconds; NaN when nothing was measured. */
  double latencyQuantileMillis(double q);

  /** How many measured requests took longer than {@code millis}. */
  long slowerThan(double millis);

  /** How many requests have a latency measurement. */
  long latencyCount();
}
