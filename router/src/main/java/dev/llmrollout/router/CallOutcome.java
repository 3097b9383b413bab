package dev.llmrollout.router;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What one call to a variant's endpoint came to, as the signal store counts it.
 *
 * @param error the failure, empty on success
 * @param latencyNanos from sending to the end of the answer (or the failure)
 * @param firstTokenNanos time to the first streamed token, -1 when not streamed
 * @param inputTokens prompt tokens reported by the endpoint
 * @param outputTokens completion tokens reported by the endpoint
 * @param costUsd the call's price from the endpoint's price table, empty when the model has none
 * @param refusal the answer matched a refusal pattern
 * @param emptyOrShort the answer was empty or very short
 * @param jsonRequested the request asked for JSON
 * @param invalidJson JSON was asked for and the answer is not valid JSON
 */
public record CallOutcome(
    Optional<RoutingException.Kind> error,
    long latencyNanos,
    long firstTokenNanos,
    long inputTokens,
    long outputTokens,
    OptionalDouble costUsd,
    boolean refusal,
    boolean emptyOrShort,
    boolean jsonRequested,
    boolean invalidJson) {

  /** A failed call; {@code latencyNanos} is how long it took to fail (0 if it never started). */
  public static CallOutcome failed(RoutingException.Kind kind, long latencyNanos) {
    return new CallOutcome(
        Optional.of(kind),
        latencyNanos,
        -1,
        0,
        0,
        OptionalDouble.empty(),
        false,
        false,
        false,
        false);
  }

  public boolean failed() {
    return error.isPresent();
  }

  /** A usable answer: no error, no refusal, not empty, valid JSON where JSON was asked for. */
  public boolean success() {
    return error.isEmpty() && !refusal && !emptyOrShort && !invalidJson;
  }
}
