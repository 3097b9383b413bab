package dev.llmrollout.guard;

import java.util.Map;

/**
 * The sample ratio check of one canary step: observed arm counts against the configured split.
 *
 * @param observed requests per arm since the step began
 * @param expectedPercent the configured split
 * @param chiSquare Pearson's chi-square statistic of observed against expected
 * @param chiSquarePValue its p-value at this one look (for the record; not used to decide)
 * @param sequentialPValue the always-valid p-value the halt decision uses
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
