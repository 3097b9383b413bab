package dev.llmrollout.guard.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 5.7: analysis on demand and the sample-size calculator")
class AbTestAnalysisTest {

  @Test
  void twoProportionZAndChiSquareAgree() {
    ProportionComparison c = AbTestAnalysis.proportions(850, 1000, 790, 1000, 0.05);

    assertThat(c.difference()).isCloseTo(-0.06, within(1e-12));
    // pooled p = 0.82, se0 = sqrt(0.82*0.18*0.002) = 0.017181
    assertThat(c.z()).isCloseTo(-0.06 / Math.sqrt(0.82 * 0.18 * 0.002), within(1e-9));
    assertThat(c.chiSquare())
        .as("chi-square of a 2x2 table is z squared")
        .isCloseTo(c.z() * c.z(), within(1e-6));
    assertThat(c.chiSquarePValue()).isCloseTo(c.pValue(), within(1e-9));
    assertThat(c.pValue()).isCloseTo(0.000475, within(0.00002));
    assertThat(c.upper()).isLessThan(0);
    assertThat(AbTestAnalysis.recommend(c, 0.02).action())
        .isEqualTo(Recommendation.Action.ROLL_BACK);
  }

  @Test
  @DisplayName(
      "issue 14.8: chi-square without Yates (scipy correction=False) and with it (default)")
  void chiSquareWithAndWithoutYatesMatchesScipy() {
    // Reference values: scipy 1.17.1, chi2_contingency(table) and (table, correction=False).
    ProportionComparison big = AbTestAnalysis.proportions(850, 1000, 790, 1000, 0.05);
    assertThat(big.chiSquare()).isCloseTo(12.195121951219512, within(1e-9));
    assertThat(big.chiSquarePValue()).isCloseTo(0.00047914643458730067, within(1e-12));
    assertThat(big.yatesChiSquare()).isCloseTo(11.7920054200542, within(1e-9));
    assertThat(big.yatesChiSquarePValue()).isCloseTo(0.0005948562069848861, within(1e-12));

    ProportionComparison small = AbTestAnalysis.proportions(12, 47, 43, 99, 0.05);
    assertThat(small.chiSquare()).isCloseTo(4.350164943588544, within(1e-9));
    assertThat(small.yatesChiSquare()).isCloseTo(3.6211199073868334, within(1e-9));
    assertThat(small.yatesChiSquarePValue()).isCloseTo(0.05705045741699581, within(1e-12));

    ProportionComparison tiny = AbTestAnalysis.proportions(3, 10, 8, 10, 0.05);
    assertThat(tiny.chiSquare()).isCloseTo(5.05050505050505, within(1e-9));
    assertThat(tiny.yatesChiSquare()).isCloseTo(3.2323232323232323, within(1e-9));
    assertThat(tiny.yatesChiSquarePValue()).isCloseTo(0.07219819770165774, within(1e-12));

    // Cells within 0.5 of their expected counts move only that far: the statistic is 0, p is 1.
    ProportionComparison close = AbTestAnalysis.proportions(10, 20, 10, 21, 0.05);
    assertThat(close.chiSquare()).isCloseTo(0.02324263038548757, within(1e-12));
    assertThat(close.yatesChiSquare()).isZero();
    assertThat(close.yatesChiSquarePValue()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("issue 14.8: one-sided fixed-horizon n, the test the guard makes")
  void oneSidedSampleSizes() {
    // [z(1-a) sqrt(2 pbar qbar) + z(0.8) sqrt(p1 q1 + p2 q2)]^2 / d^2 with pbar = 0.825:
    // 1347.48 at a = 0.005, 1536.08 at 0.0025, 1783.91 at 0.001 (rounded up).
    assertThat(SampleSizeCalculator.canarySamplesOneSided(0.85, 0.80, 0.5, 0.005, 0.8))
        .isEqualTo(1348);
    assertThat(SampleSizeCalculator.canarySamplesOneSided(0.85, 0.80, 0.5, 0.0025, 0.8))
        .isEqualTo(1537);
    assertThat(SampleSizeCalculator.canarySamplesOneSided(0.85, 0.80, 0.5, 0.001, 0.8))
        .isEqualTo(1784);
    // A 5% canary: k = 1/19, pbar = 0.8475; 361.25 canary samples.
    assertThat(SampleSizeCalculator.canarySamplesOneSided(0.85, 0.80, 0.05, 0.05, 0.8))
        .isEqualTo(362);
    assertThat(SampleSizeCalculator.canarySamplesOneSided(0.85, 0.80, 0.5, 0.05, 0.8))
        .as("one-sided needs fewer than the two-sided 903")
        .isLessThan(SampleSizeCalculator.perArm(0.85, 0.80, 0.05, 0.8));
  }

  @Test
  void recommendsPromoteOrContinue() {
    assertThat(
            AbTestAnalysis.recommend(
                    AbTestAnalysis.proportions(8500, 10000, 8520, 10000, 0.05), 0.02)
                .action())
        .isEqualTo(Recommendation.Action.PROMOTE);
    assertThat(
            AbTestAnalysis.recommend(AbTestAnalysis.proportions(85, 100, 84, 100, 0.05), 0.02)
                .action())
        .isEqualTo(Recommendation.Action.CONTINUE);
  }

  @Test
  void welchTAndCohensD() {
    double[] a = {4, 5, 3, 4, 5, 4, 3, 4};
    double[] b = {5, 5, 4, 5, 5, 4, 5, 5};
    ScoreComparison s = AbTestAnalysis.scores(a, b, 0.05);

    assertThat(s.meanA()).isEqualTo(4.0);
    assertThat(s.meanB()).isCloseTo(4.75, within(1e-12));
    // var(a) = 4/7, var(b) = 1.5/7; t = 0.75 / sqrt((4/7 + 1.5/7)/8)
    double se = Math.sqrt((4.0 / 7 + 1.5 / 7) / 8);
    assertThat(s.t()).isCloseTo(0.75 / se, within(1e-9));
    assertThat(s.cohensD()).isCloseTo(0.75 / Math.sqrt((4.0 / 7 + 1.5 / 7) / 2), within(1e-9));
    assertThat(s.pValue()).isBetween(0.01, 0.05);
    assertThat(s.lower()).isPositive();
    assertThat(s.degreesOfFreedom()).isBetween(11.0, 14.0);
  }

  @Test
  void sampleSizes() {
    assertThat(SampleSizeCalculator.perArm(0.85, 0.80, 0.05, 0.80)).isEqualTo(903);
    assertThat(SampleSizeCalculator.canarySamples(0.85, 0.80, 0.05, 0.05, 0.95)).isEqualTo(867);
    assertThat(SampleSizeCalculator.ruleOfThumb(0.5, 0.1, 0.05, 0.80))
        .as("Lehr's 16 p(1-p)/d^2 = 400")
        .isCloseTo(392.4, within(0.1));
    assertThat(SampleSizeCalculator.ruleOfThumb(0.5, 0.1, 2.0)).isCloseTo(200, within(1e-9));
    assertThat(SampleSizeCalculator.power(903, 903, 0.85, 0.80, 0.05))
        .isCloseTo(0.80, within(0.005));
    assertThatThrownBy(() -> SampleSizeCalculator.perArm(0.85, 0.85, 0.05, 0.8))
        .hasMessageStartingWith("p2");
  }
}
