package dev.llmrollout.signals;

/**
 * What the guard counts of one shadow pair: the primary call a user got and the candidate's call on
 * the same request (same messages, same targeting key), made in the background.
 *
 * @param primaryError the primary call failed (HTTP error, timeout, unparsable answer)
 * @param candidateError the candidate's call failed
 * @param primaryRefusal the primary's answer matched a refusal pattern
 * @param candidateRefusal the candidate's answer matched a refusal pattern
 * @param jsonRequested the request asked for a JSON answer
 * @param primaryValidJson the primary's answer parses as JSON
 * @param candidateValidJson the candidate's answer parses as JSON
 * @param primaryLatencyMillis the primary call's latency
 * @param candidateLatencyMillis the candidate call's latency
 * @param primaryTokens prompt plus completion tokens the primary's endpoint reported
 * @param candidateTokens prompt plus completion tokens the candidate's endpoint reported
 * @param primaryChars the primary answer's length in characters
 * @param candidateChars the candidate answer's length in characters
 * @param primaryCostUsd the primary call's price from its endpoint's price table, NaN when unpriced
 * @param candidateCostUsd the candidate call's price, NaN when unpriced
 * @param primaryFirstTokenMillis the primary's time to first token, NaN when not streamed
 * @param candidateFirstTokenMillis the candidate's time to first token, NaN when not streamed
 */
public record PairObservation(
    boolean primaryError,
    boolean candidateError,
    boolean primaryRefusal,
    boolean candidateRefusal,
    boolean jsonRequested,
    boolean primaryValidJson,
    boolean candidateValidJson,
    double primaryLatencyMillis,
    double candidateLatencyMillis,
    long primaryTokens,
    long candidateTokens,
    long primaryChars,
    long candidateChars,
    double primaryCostUsd,
    double candidateCostUsd,
    double primaryFirstTokenMillis,
    double candidateFirstTokenMillis) {

  /**
   * True when both calls returned an answer (the length, token and latency comparisons use these).
   */
  public boolean bothAnswered() {
    return !primaryError && !candidateError;
  }

  /** True when both calls answered as streams (the time to first token comparison). */
  public boolean bothStreamed() {
    return bothAnswered()
        && Double.isFinite(primaryFirstTokenMillis)
        && Double.isFinite(candidateFirstTokenMillis);
  }

  /** True when both calls answered and both endpoints price their models (the cost comparison). */
  public boolean bothPriced() {
    return bothAnswered() && Double.isFinite(primaryCostUsd) && Double.isFinite(candidateCostUsd);
  }
}
