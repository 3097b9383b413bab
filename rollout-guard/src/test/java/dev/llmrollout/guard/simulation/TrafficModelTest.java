package dev.llmrollout.guard.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmrollout.guard.GuardConfig;
import dev.llmrollout.guard.RolloutPlan;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The traffic model is what the table says it is. */
@DisplayName("issue 14.9: the scenario library's traffic model")
class TrafficModelTest {

  @Test
  @DisplayName("the latent effect gives an observed within-user correlation of 0.10")
  void withinUserCorrelationIsCalibrated() {
    for (double p : new double[] {0.85, 0.99}) {
      double r = LatentCorrelation.latentFor(p, 0.10);
      assertThat(LatentCorrelation.observedIcc(p, r)).isCloseTo(0.10, within(1e-6));
      assertThat(empiricalPairCorrelation(p, r, 400_000)).isCloseTo(0.10, within(0.02));
    }
    assertThat(LatentCorrelation.latentFor(0.85, 0)).isZero();
  }

  @Test
  @DisplayName("lognormal activity: the busiest 10% of 2,000 keys send about 39% of requests")
  void activityIsHeavyTailed() {
    Population population =
        Population.draw(
            TrafficModel.sticky(List.of(TrafficModel.Segment.of(null, 1, 0.85, 0.85))),
            new SplittableRandom(3));
    double[] shares =
        IntStream.range(0, population.size()).mapToDouble(population::activityShare).toArray();
    Arrays.sort(shares);
    double top = Arrays.stream(shares, shares.length - 200, shares.length).sum();
    assertThat(top).isBetween(0.33, 0.45);
  }

  @Test
  @DisplayName("payment drifts linearly from 10% to 40% over 20,000 s, then stays")
  void paymentShareDrifts() {
    TrafficModel model = Scenarios.aaDriftingPayment().traffic();
    assertThat(model.share(0, 0)).isCloseTo(0.10, within(1e-12));
    assertThat(model.share(0, 10_000)).isCloseTo(0.25, within(1e-12));
    assertThat(model.share(0, 20_000)).isCloseTo(0.40, within(1e-12));
    assertThat(model.share(0, 50_000)).isCloseTo(0.40, within(1e-12));
  }

  @Test
  @DisplayName(
      "the harness sends the guard's first step (5%) of keys to the canary, sticky per key")
  void harnessBucketsKeysByTheGuardsSplit() {
    GuardHarness harness =
        new GuardHarness(
            RolloutPlan.ofDefaults(),
            Scenarios.SUCCESS_RULE,
            GuardConfig.ofDefaults(),
            Arrays.asList((String) null));
    long canary = IntStream.range(0, 40_000).filter(u -> harness.servesCanary("user-" + u)).count();
    assertThat(canary / 40_000.0).isCloseTo(0.05, within(0.005));
    assertThat(harness.servesCanary("user-7")).isEqualTo(harness.servesCanary("user-7"));
  }

  @Test
  @DisplayName("arrivals average 10 per 10-second check at 1 request per second")
  void arrivalsArePoisson() {
    SplittableRandom random = new SplittableRandom(5);
    double mean =
        IntStream.range(0, 100_000)
            .map(i -> ScenarioRun.poisson(random, 10))
            .average()
            .orElseThrow();
    assertThat(mean).isCloseTo(10, within(0.05));
  }

  /**
   * Pearson correlation of two outcomes of the same user over {@code users} users, counted on the
   * rarer outcome (failures) with the rate taken from both outcomes, which keeps its noise low.
   */
  private static double empiricalPairCorrelation(double p, double r, int users) {
    SplittableRandom random = new SplittableRandom(7);
    double c = LatentCorrelation.threshold(p);
    double bothFail = 0;
    double fails = 0;
    for (int u = 0; u < users; u++) {
      double z = random.nextGaussian();
      boolean a = Math.sqrt(r) * z + Math.sqrt(1 - r) * random.nextGaussian() >= c;
      boolean b = Math.sqrt(r) * z + Math.sqrt(1 - r) * random.nextGaussian() >= c;
      bothFail += a && b ? 1 : 0;
      fails += (a ? 1 : 0) + (b ? 1 : 0);
    }
    double q = fails / (2.0 * users);
    return (bothFail / users - q * q) / (q * (1 - q));
  }
}
