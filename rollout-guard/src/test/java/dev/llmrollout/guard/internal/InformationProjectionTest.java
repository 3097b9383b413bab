package dev.llmrollout.guard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 14.4: the first step's projection of information at its deadline")
class InformationProjectionTest {
  private static final double DAY = 86_400;

  /** Independent information per second at a 5 % canary of 1 request/s, p = 0.85. */
  private static final double RATE = 0.05 * 0.95 / 0.1275;

  @Test
  @DisplayName("sticky units: the design effect's growth caps the projection near the ceiling")
  void growingDesignEffectCapsTheProjection() {
    double c = 1.36e-4;
    InformationProjection projection = new InformationProjection(0, 0, 0);
    double t = 7_200;
    projection.observe(t, RATE * t / (1 + c * t), 1 + c * t);

    double ceiling = RATE * DAY / (1 + c * DAY);
    assertThat(projection.projected(DAY)).isBetween(ceiling, 2 * ceiling);
    assertThat(projection.projected(DAY)).isLessThan(RATE * DAY / (1 + c * t) / 4);
  }

  @Test
  @DisplayName("as observed: the design effect's growth without the noise allowance, the ceiling")
  void asObservedProjectsTheCeiling() {
    double c = 1.36e-4;
    InformationProjection projection = new InformationProjection(0, 0, 0);
    double t = 7_200;
    projection.observe(t, RATE * t / (1 + c * t), 1 + c * t);

    assertThat(projection.projectedAsObserved(DAY))
        .isCloseTo(RATE * DAY / (1 + c * DAY), within(1e-6 * RATE * DAY))
        .isLessThan(projection.projected(DAY));
  }

  @Test
  @DisplayName("independent requests: a design effect within its noise projects linear growth")
  void noiseProjectsLinearly() {
    InformationProjection projection = new InformationProjection(0, 0, 0);
    projection.observe(1_800, RATE * 1_800 / 1.3, 1.3);
    assertThat(projection.projected(DAY)).isCloseTo(RATE * DAY, within(1e-6 * RATE * DAY));
  }

  @Test
  @DisplayName("a wider share: the growth rate is the new share's, the step's time counts")
  void widerShareUsesItsOwnRate() {
    double before = RATE * 3_600;
    InformationProjection projection = new InformationProjection(0, 3_600, before);
    projection.observe(5_400, before + 2 * RATE * 1_800, 1);
    assertThat(projection.independentInformation()).isEqualTo(before + 2 * RATE * 1_800);
    assertThat(projection.projected(DAY))
        .isCloseTo(before + 2 * RATE * (DAY - 3_600), within(1e-6 * RATE * DAY));
  }

  @Test
  @DisplayName("nothing projected before an observation with information")
  void needsAnObservation() {
    InformationProjection projection = new InformationProjection(0, 0, 0);
    projection.observe(60, 0, Double.NaN);
    assertThat(projection.projected(DAY)).isNaN();
    assertThat(projection.independentInformation()).isZero();
  }
}
