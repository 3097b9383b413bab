package dev.llmrollout.guard;

import java.util.Map;

/**
 * The sample ratio check of a rollout: units (targeting keys) first exposed during the running step
 * against its split, with an always-valid p-value over every step so far.
 *
 * @param observed units first exposed to each arm during the running step
 * @param expectedPercent the running step's split
 * @param chiSquare Pearson's chi-square of the running step's units against its split
 * @param chiSquarePValue its p-value at this one look (for the record; not used to decide)
 * @param sequentialPValue the always-valid p-value over all steps that the decision uses
 * @param mismatch true when the sequential p-value fell below the configured level
 */
public record SampleRatioCheck(
    Map<String, Long> observed,
    Map<String, Double> expectedPercent,
    double chiSquare,
    double chiSquarePValue,
    double sequentialPValue,
    boolean mismatch) {

  public SampleRatioCheck {
    observed = Map.copyOf(observed);
    expectedPercent = Map.copyOf(expectedPercent);
  }
}
