package dev.llmrollout.guard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 5.2 and 5.4: the always-valid tests")
class SequentialTestsTest {

  @Test
  @DisplayName(
      "the confidence sequence is exactly the set of nulls whose p-value is at least alpha")
  void confidenceSequenceInvertsThePValue() {
    double variance = 2e-4;
    double tau = 0.05;
    double half = NormalMixtureSequentialTest.halfWidth(variance, tau, 0.05);
    assertThat(NormalMixtureSequentialTest.pValue(0.1, 0.1 - half, variance, tau))
        .isCloseTo(0.05, within(1e-9));
    assertThat(NormalMixtureSequentialTest.pValue(0.1, 0.1 - half * 1.01, variance, tau))
        .isLessThan(0.05);
    assertThat(NormalMixtureSequentialTest.pValue(0.1, 0.1 - half * 0.99, variance, tau))
        .isGreaterThan(0.05);
  }

  @Test
  @DisplayName("wider than a fixed-horizon interval: the price of looking at any time")
  void widerThanFixedHorizon() {
    double variance = 1e-4;
    double fixed = 1.959964 * Math.sqrt(variance);
    assertThat(NormalMixtureSequentialTest.halfWidth(variance, 0.05, 0.05)).isGreaterThan(fixed);
    assertThat(NormalMixtureSequentialTest.pValue(0, 0, variance, 0.05)).isEqualTo(1.0);
  }

  @Test
  @DisplayName("5.4: the split check accepts a healthy split and rejects 8% observed for 5%")
  void sampleRatio() {
    double[] shares = {0.95, 0.05};
    assertThat(SequentialSampleRatioTest.pValue(new long[] {9_500, 500}, shares)).isEqualTo(1.0);
    assertThat(SequentialSampleRatioTest.pValue(new long[] {9_200, 800}, shares)).isLessThan(1e-6);
    assertThat(SequentialSampleRatioTest.pValue(new long[] {95, 5}, shares))
        .as("tiny samples are no evidence")
        .isGreaterThan(0.5);
  }
}
