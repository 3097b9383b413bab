package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.guard.testing.CountingArm;
import dev.llmrollout.guard.testing.GuardFixture;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 5.2-5.4: rules, segments, hysteresis and the sample ratio check")
class RuleMonitoringTest {
  private final GuardFixture fx = new GuardFixture();

  private Rollout start(RuleSet rules, GuardConfig config) {
    return fx.guard(config)
        .start(RolloutSpec.forFlag(FLAG).stable(STABLE).canary(CANARY).rules(rules).build());
  }

  @Test
  @DisplayName("5.3: a regression on one segment is caught while the canary is better overall")
  void segmentRegressionIsCaught() {
    Rollout rollout = start(RuleSet.of(Rule.successRateDropAtMost(0.05)), GuardConfig.ofDefaults());
    fx.traffic(STABLE, "general", 12_000, 0.85);
    fx.traffic(CANARY, "general", 600, 0.97);
    fx.traffic(STABLE, "payment", 4_000, 0.85);
    fx.traffic(CANARY, "payment", 200, 0.55);

    AuditRecord record = rollout.check();

    assertThat(record.decision()).isEqualTo(Decision.ROLL_BACK);
    RuleCheck overall =
        record.ruleChecks().stream()
            .filter(c -> c.segment().equals(RuleCheck.ALL_TRAFFIC))
            .findFirst()
            .orElseThrow();
    assertThat(overall.canaryValue()).as("better on average").isGreaterThan(overall.stableValue());
    assertThat(overall.broken()).isFalse();
    assertThat(record.brokenRules()).extracting(RuleCheck::segment).containsExactly("payment");
    assertThat(record.brokenRules().get(0).alphaUsed())
        .as("Holm's level over three tests")
        .isEqualTo(0.05 / 3);
  }

  @Test
  @DisplayName("5.2: hysteresis asks for N failing checks in a row")
  void hysteresis() {
    Rollout rollout =
        start(
            RuleSet.of(Rule.successRateDropAtMost(0.05)),
            GuardConfig.custom().hysteresis(3).build());
    fx.traffic(STABLE, null, 5_700, 0.99);
    fx.traffic(CANARY, null, 300, 0.80);

    AuditRecord first = rollout.check();
    assertThat(first.decision()).isEqualTo(Decision.CONTINUE);
    assertThat(first.ruleChecks().get(0).failing()).isTrue();
    assertThat(first.ruleChecks().get(0).broken()).isFalse();
    assertThat(rollout.check().decision()).isEqualTo(Decision.CONTINUE);
    assertThat(rollout.check().decision()).isEqualTo(Decision.ROLL_BACK);
  }

  @Test
  @DisplayName("5.2: a success rate below the absolute floor breaks the rule")
  void absoluteFloor() {
    Rollout rollout = start(RuleSet.of(Rule.successRateAtLeast(0.95)), GuardConfig.ofDefaults());
    fx.traffic(STABLE, null, 19_000, 0.90);
    fx.traffic(CANARY, null, 1_000, 0.90);

    assertThat(rollout.check().brokenRules())
        .extracting(RuleCheck::rule)
        .containsExactly("SUCCESS_RATE(ABSOLUTE)");
  }

  @Test
  @DisplayName("5.2: thumbs-down feedback more than 20% above stable breaks the rule")
  void thumbsDownRate() {
    Rollout rollout =
        start(
            RuleSet.of(Rule.feedbackRateIncreaseAtMost("thumbs_down", 0.2)),
            GuardConfig.ofDefaults());
    feedback(STABLE, 4_000, 0.05);
    feedback(CANARY, 1_000, 0.05);
    assertThat(rollout.check().decision()).isEqualTo(Decision.CONTINUE);

    feedback(CANARY, 1_000, 0.20);
    AuditRecord record = rollout.check();

    assertThat(record.decision()).isEqualTo(Decision.ROLL_BACK);
    assertThat(record.brokenRules().get(0).effect()).as("relative increase").isGreaterThan(1.0);
  }

  @Test
  @DisplayName("5.2: p99 latency is tested as a quantile ratio with a dead band")
  void latencyQuantileRatio() {
    Rollout rollout =
        start(RuleSet.of(Rule.latencyRatioAtMost(0.99, 1.2)), GuardConfig.ofDefaults());
    SplittableRandom random = new SplittableRandom(7);
    latencies(STABLE, 20_000, 1.0, random);
    latencies(CANARY, 1_000, 1.05, random);
    AuditRecord sameish = rollout.check();
    assertThat(sameish.decision())
        .as("5% slower is inside the dead band")
        .isEqualTo(Decision.CONTINUE);
    assertThat(sameish.ruleChecks().get(0).tested()).isTrue();

    latencies(STABLE, 19_000, 1.0, random);
    latencies(CANARY, 1_000, 1.6, random);
    AuditRecord slow = rollout.check();

    assertThat(slow.decision()).isEqualTo(Decision.ROLL_BACK);
    assertThat(slow.brokenRules().get(0).canaryValue() / slow.brokenRules().get(0).stableValue())
        .isGreaterThan(1.2);
  }

  @Test
  @DisplayName("5.4: a broken split halts the rollout and alerts, leaving the split alone")
  void sampleRatioMismatchHalts() {
    Rollout rollout = start(RuleSet.of(Rule.successRateDropAtMost(0.05)), GuardConfig.ofDefaults());
    fx.traffic(STABLE, null, 4_600, 0.9);
    fx.traffic(CANARY, null, 400, 0.9);

    AuditRecord record = rollout.check();

    assertThat(record.decision()).isEqualTo(Decision.HALT);
    assertThat(rollout.state()).isEqualTo(RolloutState.HALTED);
    SampleRatioCheck srm = record.sampleRatio().orElseThrow();
    assertThat(srm.sequentialPValue()).isLessThan(0.001);
    assertThat(srm.chiSquarePValue()).isLessThan(srm.sequentialPValue());
    assertThat(srm.chiSquare()).isGreaterThan(40);
    assertThat(srm.observed()).containsEntry(CANARY, 400L);
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(5.0);
    assertThat(fx.alerts).extracting(Alert::title).containsExactly("rollout halted");
  }

  private void feedback(String variant, int count, double thumbsDownShare) {
    CountingArm.Request arm = fx.signals.request(FLAG, variant, null);
    long before = 0;
    for (int i = 1; i <= count; i++) {
      long due = Math.round(i * thumbsDownShare);
      arm.feedback(due > before ? "thumbs_down" : "thumbs_up");
      before = Math.max(before, due);
    }
  }

  private void latencies(String variant, int count, double scale, SplittableRandom random) {
    CountingArm.Request arm = fx.signals.request(FLAG, variant, null);
    for (int i = 0; i < count; i++) {
      arm.success().latency(scale * 200 * Math.exp(0.5 * gaussian(random)));
    }
  }

  private static double gaussian(SplittableRandom random) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
