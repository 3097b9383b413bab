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
