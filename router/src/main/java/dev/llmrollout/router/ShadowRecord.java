package dev.llmrollout.router;

import java.time.Instant;
import java.util.Optional;

/**
 * One primary/shadow pair, as recorded to a {@link ShadowSink}. It holds a hash of the request, not
 * the request, and no targeting key.
 *
 * @param at when the shadow call finished
 * @param requestHash SHA-256 (hex) of the model flag key and the primary's rendered messages
 * @param flagKey the model flag
 * @param primary the answer the user got
 * @param shadow the shadow variant's answer
 * @param diff a summary of how they differ
 */
public record ShadowRecord(
    Instant at, String requestHash, String flagKey, Side primary, Side shadow, Diff diff) {

  /**
   * One side of the pair.
   *
   * @param variant the variant name
   * @param model the model id
   * @param modelVersion the model version, empty when unversioned
   * @param endpoint the endpoint name
   * @param content the answer, empty when the call failed
   * @param error the failure kind, empty on success
   * @param latencyMillis the call's latency
   * @param inputTokens prompt tokens reported
   * @param outputTokens completion tokens reported
   */
  public record Side(
      String variant,
      String model,
      Optional<String> modelVersion,
      String endpoint,
      String content,
      Optional<String> error,
      double latencyMillis,
      long inputTokens,
      long outputTokens) {}

  /**
   * How the shadow's answer differs from the primary's.
   *
   * @param lengthDelta shadow length minus primary length, in characters
   * @param primaryRefusal the primary answer matched a refusal pattern
   * @param shadowRefusal the shadow answer matched a refusal pattern
   * @param primaryValidJson the primary answer is valid JSON
   * @param shadowValidJson the shadow answer is valid JSON
   */
  public record Diff(
      int lengthDelta,
      boolean primaryRefusal,
      boolean shadowRefusal,
      boolean primaryValidJson,
      boolean shadowValidJson) {}
}
