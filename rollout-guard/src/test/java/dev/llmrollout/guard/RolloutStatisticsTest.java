package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.guard.testing.GuardFixture;
import dev.llmrollout.signals.Observation;
import dev.llmrollout.spi.ChangeRequest;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 14.2-14.6: scoped windows, units, evidence, a fixed family")
class RolloutStatisticsTest {
  private final GuardFixture fx = new GuardFixture();
  private final SplittableRandom random = new SplittableRandom(42);

  private RolloutSpec.Builder spec() {
    return RolloutSpec.forFlag(FLAG)
        .stable(STABLE)
        .canary(CANARY)
        .rules(RuleSet.of(Rule.successRateDrop(0.05)));
  }

  /**
   * {@code users} sticky users, each sending a lognormal number of requests, split by {@code
   * canaryShare}; the canary succeeds at {@code canaryRate}, stable at {@code stableRate}.
   */
  private void stickyTraffic(
      String prefix, int users, double canaryShare, double stableRate, double canaryRate) {
    for (int u = 0; u < users; u++) {
      boolean canary = random.nextDouble() < canaryShare;
      long requests = 1 + Math.round(Math.exp(1.0 + random.nextGaussian()));
      double rate = canary ? canaryRate : stableRate;
      var arm = fx.signals.user(FLAG, canary ? CANARY : STABLE, null, prefix + u);
      for (long r = 0; r < requests; r++) {
        boolean ok = random.nextDouble() < rate;
        arm.observe(new Observation(ok, !ok, false, Double.NaN));
      }
    }
  }

  @Test
  @DisplayName("14.6: a rollout after a rollback is judged only on its own traffic")
  void secondRolloutStartsFromZero() {
    RolloutGuard guard = fx.guard();
    Rollout first = guard.start(spec().build());
    fx.traffic(STABLE, null, 5_700, 0.95);
    fx.traffic(CANARY, null, 300, 0.60);
    assertThat(first.check().decision()).isEqualTo(Decision.ROLL_BACK);
    guard.restore(FLAG, ChangeRequest.because("fixed the prompt").by("alice"), true);

    Rollout second = guard.start(spec().force(true).build());
    AuditRecord atStart = second.check();
    assertThat(atStart.decision()).as("nothing of the first rollout").isEqualTo(Decision.CONTINUE);
    assertThat(atStart.ruleChecks()).allSatisfy(c -> assertThat(c.canarySamples()).isZero());
    fx.traffic(STABLE, null, 5_700, 0.95);
    fx.traffic(CANARY, null, 300, 0.95);
    AuditRecord healthy = second.check();

    assertThat(healthy.decision()).isEqualTo(Decision.CONTINUE);
    assertThat(healthy.ruleChecks().get(0).canarySamples()).isEqualTo(300);
    assertThat(healthy.ruleChecks().get(0).canaryValue()).isEqualTo(0.95);
  }

  @Test
  @DisplayName("14.6: restore after an automatic rollback needs force and a reason")
  void restoreAfterAutomaticRollbackNeedsForce() {
    RolloutGuard guard = fx.guard();
    Rollout rollout = guard.start(spec().build());
    fx.traffic(STABLE, null, 5_700, 0.95);
    fx.traffic(CANARY, null, 300, 0.60);
    rollout.check();

    assertThatThrownBy(() -> guard.restore(FLAG, ChangeRequest.because("ok").by("bob"), false))
        .isInstanceOf(RolloutRefusedException.class)
        .hasMessageContaining("rolled back automatically")
        .hasMessageContaining("force and a reason");
    assertThat(fx.control.state(FLAG).killed()).isTrue();

    guard.restore(FLAG, ChangeRequest.because("false alarm, checked by hand").by("bob"), true);
    assertThat(fx.control.state(FLAG).killed()).isFalse();
    assertThat(fx.audit.records())
        .anySatisfy(r -> assertThat(r.reason()).contains("restore forced").contains("by hand"));
  }

  @Test
  @DisplayName(
      "14.3: sticky heavy users keep the unit split; a broken split holds, rules still run")
  void sampleRatioOnUnits() {
    Rollout rollout = fx.guard().start(spec().build());
    stickyTraffic("u", 4_000, 0.05, 0.9, 0.9);
    AuditRecord healthy = rollout.check();
    assertThat(healthy.sampleRatio().orElseThrow().mismatch()).isFalse();

    stickyTraffic("v", 4_000, 0.09, 0.9, 0.9);
    AuditRecord broken = rollout.check();
    assertThat(broken.decision()).isEqualTo(Decision.HOLD);
    assertThat(rollout.state()).isEqualTo(RolloutState.HELD);
    assertThat(rollout.holdReason()).contains(HoldReason.SAMPLE_RATIO_MISMATCH);
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(5.0);
    assertThat(fx.alerts)
        .extracting(Alert::title)
        .containsExactly("rollout held; rules still checked");

    stickyTraffic("w", 4_000, 0.05, 0.95, 0.60);
    assertThat(rollout.check().decision())
        .as("rules keep running while held")
        .isEqualTo(Decision.ROLL_BACK);
  }

  @Test
  @DisplayName("14.3: by configuration, a unit split mismatch rolls back")
  void sampleRatioMismatchMayRollBack() {
    Rollout rollout =
        fx.guard(
                GuardConfig.custom()
                    .onSampleRatioMismatch(GuardConfig.MismatchAction.ROLL_BACK)
                    .build())
            .start(spec().build());
    stickyTraffic("u", 8_000, 0.09, 0.9, 0.9);
    assertThat(rollout.check().decision()).isEqualTo(Decision.ROLL_BACK);
  }

  @Test
  @DisplayName("14.4: the first step holds until the rule can catch its regression, then promotes")
  void powerGate() {
    Rollout rollout = fx.guard().start(spec().build());
    fx.traffic(STABLE, null, 11_400, 0.85);
    fx.traffic(CANARY, null, 600, 0.85);
    fx.advance(Duration.ofMinutes(30));
    AuditRecord waiting = rollout.check();
    assertThat(waiting.decision()).isEqualTo(Decision.CONTINUE);
    assertThat(waiting.reason()).contains("of the information to catch its regression");
    RuleCheck check = waiting.ruleChecks().get(0);
    assertThat(check.information()).isLessThan(check.requiredInformation());

    fx.traffic(STABLE, null, 38_000, 0.85);
    fx.traffic(CANARY, null, 2_000, 0.85);
    AuditRecord promoted = rollout.check();
    assertThat(promoted.decision()).isEqualTo(Decision.PROMOTE);
    assertThat(promoted.ruleChecks().get(0).powered()).isTrue();
  }

  @Test
  @DisplayName("14.4: the step to 100 % needs non-inferiority in each declared segment")
  void nonInferiorityBeforeFullTraffic() {
    RolloutPlan plan = RolloutPlan.custom().steps(50, 100).build();
    Rollout rollout = fx.guard().start(spec().plan(plan).segments("payment", "general").build());
    fx.advance(Duration.ofMinutes(30));
    fx.traffic(STABLE, "general", 3_000, 0.85);
    fx.traffic(CANARY, "general", 3_000, 0.85);
    fx.traffic(STABLE, "payment", 300, 0.85);
    fx.traffic(CANARY, "payment", 300, 0.85);
    AuditRecord waiting = rollout.check();
    assertThat(waiting.decision()).isEqualTo(Decision.CONTINUE);
    assertThat(waiting.reason()).contains("in payment not shown non-inferior");
    assertThat(waiting.reason()).doesNotContain("in general not shown");

    fx.traffic(STABLE, "payment", 2_000, 0.85);
    fx.traffic(CANARY, "payment", 2_000, 0.85);
    AuditRecord promoted = rollout.check();
    assertThat(promoted.decision()).isEqualTo(Decision.PROMOTE);
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(95.0);
  }

  @Test
  @DisplayName("14.5: the family is fixed at the start; a later segment falls into 'other'")
  void fixedFamily() {
    Rollout rollout = fx.guard().start(spec().segments("payment").build());
    fx.traffic(STABLE, "payment", 3_000, 0.85);
    fx.traffic(CANARY, "payment", 200, 0.85);
    fx.traffic(STABLE, "refunds", 3_000, 0.85);
    fx.traffic(CANARY, "refunds", 200, 0.40);

    AuditRecord record = rollout.check();

    assertThat(record.ruleChecks())
        .extracting(RuleCheck::segment)
        .containsExactly(RuleCheck.ALL_TRAFFIC, "payment", RolloutSpec.OTHER_SEGMENT);
    assertThat(record.decision()).isEqualTo(Decision.ROLL_BACK);
    RuleCheck other =
        record.brokenRules().stream()
            .filter(c -> c.segment().equals(RolloutSpec.OTHER_SEGMENT))
            .findFirst()
            .orElseThrow();
    assertThat(other.alphaUsed()).as("a Holm level over the three tests").isBetween(0.01 / 3, 0.01);
    assertThat(other.lower()).as("the audit's bound is the decision's").isGreaterThan(0);
  }
}
