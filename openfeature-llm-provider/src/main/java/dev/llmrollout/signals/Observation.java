package dev.llmrollout.signals;

/**
 * What the guard counts of one routed request.
 *
 * @param success a usable answer: no error, no refusal, not empty
 * @param error an HTTP error status, a timeout or an unparsable answer
 * @param refusal an answer that matched a refusal pattern
 * @param latencyMillis the request's latency, or NaN when it was not measured
 */
public record Observation(boolean success, boolean error, boolean refusal, double latencyMillis) {

  public Observation {
    if (success && (error || refusal)) {
      throw new IllegalArgumentException(
          "observation: success is true with error="
              + error
              + " refusal="
              + refusal
              + ", expected a success to be neither");
    }
  }
}
