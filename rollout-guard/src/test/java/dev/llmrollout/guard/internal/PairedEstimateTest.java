package dev.llmrollout.guard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.guard.ShadowRule;
import dev.llmrollout.signals.LatencyBins;
import dev.llmrollout.signals.PairCounts;
import dev.llmrollout.signals.PairCounts.Field;
import dev.llmrollout.signals.PairRecorder;
import dev.llmrollout.signals.UnitBuckets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 19.2: the paired estimate's variance between buckets")
class PairedEstimateTest {

  @Test
  @DisplayName("matches the spread of the estimate over seeded replicates, sticky users included")
  void varianceMatchesSpread() {
    int replicates = 300;
    double[] harms = new double[replicates];
    double meanVariance = 0;
    for (int r = 0; r < replicates; r++) {
      PairRecorder recorder = new PairRecorder();
      SplittableRandom random = new SplittableRandom(1_000 + r);
      // Heavy users: per-user refusal propensity shared by both sides of their pairs.
      for (int i = 0; i < 4_000; i++) {
        int user = (int) Math.min(399, Math.abs(random.nextGaussian() * 80));
        double propensity = (user % 10) / 30.0;
        boolean candidate = random.nextDouble() < propensity * 1.2;
        boolean primary = random.nextDouble() < propensity;
        recorder.record("f", "s", "c", null, "user-" + user, observation(primary, candidate));
      }
      PairedEstimate e =
          PairedEstimate.of(
              ShadowRule.refusalDiscordanceAtMost(0.01), recorder.pairs("f", "s", "c").all());
      harms[r] = e.harm();
      meanVariance += 1 / e.information() / replicates;
    }
    double mean = 0;
    for (double h : harms) {
      mean += h / replicates;
    }
    double spread = 0;
    for (double h : harms) {
      spread += (h - mean) * (h - mean) / (replicates - 1);
    }
    assertThat(meanVariance / spread).as("estimated / empirical variance").isBetween(0.8, 1.25);
  }

  @Test
  @DisplayName("pairs that agree carry no variance: the paired test needs far fewer samples")
  void pairingRemovesSharedNoise() {
    PairCounts.Builder counts = new PairCounts.Builder();
    SplittableRandom random = new SplittableRandom(7);
    long primaryRefusals = 0;
    long candidateRefusals = 0;
    for (int i = 0; i < 10_000; i++) {
      boolean shared = random.nextDouble() < 0.2;
      boolean extra = random.nextDouble() < 0.01;
      primaryRefusals += shared ? 1 : 0;
      candidateRefusals += shared || extra ? 1 : 0;
      counts.pair(random.nextInt(UnitBuckets.COUNT), observation(shared, shared || extra));
    }
    PairedEstimate paired =
        PairedEstimate.of(ShadowRule.refusalDiscordanceAtMost(0.01), counts.build());
    double p = primaryRefusals / 10_000.0;
    double c = candidateRefusals / 10_000.0;
    double unpairedVariance = (p * (1 - p) + c * (1 - c)) / 10_000;

    assertThat(paired.harm()).isCloseTo(c - p, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(unpairedVariance * paired.information())
        .as("unpaired variance over paired variance")
        .isGreaterThan(20);
  }

  @Test
  @DisplayName(
      "every rule reads the fields exported without the unit bucket only in total (metrics.md)")
  void fieldsExportedInTotalAreReadOnlyInTotal() {
    Map<ShadowRule.Metric, ShadowRule> rules = new EnumMap<>(ShadowRule.Metric.class);
    for (ShadowRule rule :
        List.of(
            ShadowRule.judgeWinRateAtLeast(0.45),
            ShadowRule.judgeScoreDropAtMost(0.1),
            ShadowRule.refusalDiscordanceAtMost(0.01),
            ShadowRule.errorDiscordanceAtMost(0.01),
            ShadowRule.invalidJsonDiscordanceAtMost(0.01),
            ShadowRule.latencyTailRatioAtMost(0.95, 1.5),
            ShadowRule.tokenRatioAtMost(1.2),
            ShadowRule.costRatioAtMost(1.2),
            ShadowRule.firstTokenRatioAtMost(1.2))) {
      rules.put(rule.metric(), rule);
    }
    assertThat(rules.keySet()).containsExactly(ShadowRule.Metric.values());
    SplittableRandom random = new SplittableRandom(19);
    PairCounts.Builder spread = new PairCounts.Builder();
    PairCounts.Builder inTotal = new PairCounts.Builder();
    for (int k = 0; k < UnitBuckets.COUNT; k++) {
      for (Field field : Field.values()) {
        long value = 1 + random.nextInt(1_000);
        spread.add(field, k, value);
        inTotal.add(field, field.perBucket() ? k : 0, value);
      }
      for (int bin = 0; bin < LatencyBins.COUNT; bin++) {
        long primary = random.nextInt(3);
        long candidate = random.nextInt(3);
        spread.latency(false, k, bin, primary).latency(true, k, bin, candidate);
        inTotal.latency(false, k, bin, primary).latency(true, k, bin, candidate);
      }
    }
    assertThat(Field.values())
        .as("some fields are exported in total")
        .anyMatch(f -> !f.perBucket());
    rules.forEach(
        (metric, rule) ->
            assertThat(PairedEstimate.of(rule, inTotal.build()))
                .as(metric.name())
                .isEqualTo(PairedEstimate.of(rule, spread.build())));
  }

  private static dev.llmrollout.signals.PairObservation observation(
      boolean primaryRefusal, boolean candidateRefusal) {
    return new dev.llmrollout.signals.PairObservation(
        false,
        false,
        primaryRefusal,
        candidateRefusal,
        false,
        false,
        false,
        100,
        100,
        10,
        10,
        50,
        50,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN);
  }

  @Test
  @DisplayName("the cost ratio compares the pairs both of whose calls are priced, as a log ratio")
  void costRatioOverPricedPairs() {
    PairCounts.Builder counts = new PairCounts.Builder();
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 2_000; i++) {
      double primary = 0.001 * Math.exp(0.3 * random.nextGaussian());
      double candidate = i % 4 == 0 ? Double.NaN : 2 * primary;
      counts.pair(
          random.nextInt(UnitBuckets.COUNT),
          new dev.llmrollout.signals.PairObservation(
              false,
              false,
              false,
              false,
              false,
              false,
              false,
              100,
              100,
              10,
              10,
              50,
              50,
              primary,
              candidate,
              Double.NaN,
              Double.NaN));
    }
    PairedEstimate e = PairedEstimate.of(ShadowRule.costRatioAtMost(1.5), counts.build());

    assertThat(e.trials()).as("unpriced pairs left out").isEqualTo(1_500);
    assertThat(e.harm()).isCloseTo(Math.log(2), org.assertj.core.api.Assertions.within(1e-3));
    assertThat(e.tested(100, 16)).isTrue();
    assertThat(e.harm() - 3 / Math.sqrt(e.information()))
        .as("shown above the 1.5 x margin")
        .isGreaterThan(Math.log(1.5));
  }
}
