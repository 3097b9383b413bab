package dev.llmrollout.guard.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The simulation at 150 seeded runs per scenario (the full 1,000-run version writes
 * docs/rollout-guard-simulation.md through the {@code simulation} profile).
 */
@DisplayName("issue 5.9: simulation with fixed seeds (reduced)")
class GuardSimulationTest {
  private static SimulationResults results;

  @BeforeAll
  static void simulate() {
    results = SimulationResults.simulate(150);
  }

  @Test
  @DisplayName("A/A checked every 10 requests over 20,000: false rollbacks at most 5%")
  void aaFalseRollbackRate() {
    assertThat(results.aa().rollbackRate()).isLessThanOrEqualTo(0.05);
    assertThat(results.aa().haltRate()).isLessThanOrEqualTo(0.01);
  }

  @Test
  @DisplayName("A/A over segments and under every default rule: false rollbacks at most 5%")
  void aaWithSegmentsAndDefaultRules() {
    assertThat(results.aaSegmented().rollbackRate()).isLessThanOrEqualTo(0.05);
    assertThat(results.aaDefaultRules().rollbackRate()).isLessThanOrEqualTo(0.05);
    assertThat(results.aaDefaultRules().haltRate()).isLessThanOrEqualTo(0.01);
  }

  @Test
  @DisplayName("0.85 vs 0.80 at 5%: power >= 95%, median samples <= fixed-horizon n")
  void regressionPowerAndSpeed() {
    assertThat(results.regression().rollbackRate()).isGreaterThanOrEqualTo(0.95);
    assertThat(results.regression().medianCanarySamples())
        .isLessThanOrEqualTo(results.fixedHorizonCanaryN());
  }

  @Test
  @DisplayName("p99 1.3x slower under every default rule: caught")
  void latencyRegressionIsCaught() {
    assertThat(results.latencyRegression().rollbackRate()).isGreaterThanOrEqualTo(0.90);
  }

  @Test
  @DisplayName("payment-only regression with the canary better elsewhere: power >= 90%")
  void paymentSegmentPower() {
    assertThat(results.payment().rollbackRate()).isGreaterThanOrEqualTo(0.90);
  }

  @Test
  @DisplayName("5% configured, 8% observed: halted by the sample ratio check")
  void brokenSplitHalts() {
    assertThat(results.brokenSplit().haltRate()).isGreaterThanOrEqualTo(0.99);
  }
}
