package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.guard.testing.GuardFixture;
import dev.llmrollout.guard.testing.PairTraffic;
import dev.llmrollout.signals.PairRecorder;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 19.2: the shadow gate decides SHADOW -> first canary step on paired evidence")
class ShadowGateTest {
  private final GuardFixture fx = new GuardFixture();
  private final PairRecorder pairs = new PairRecorder();
  private final SplittableRandom random = new SplittableRandom(19);

  private Rollout start() {
    RolloutGuard guard = fx.builder(GuardConfig.ofDefaults()).shadowPairs(pairs).build();
    return guard.start(
        RolloutSpec.forFlag(FLAG)
            .stable(STABLE)
            .canary(CANARY)
            .versions("1.4.2", "2.0.0")
            .shadowCompleted(false)
            .skipEvalGate("shadow gate test")
            .segments("payment")
            .plan(
                RolloutPlan.custom()
                    .shadow(Duration.ofMinutes(30), 1_000)
                    .maxStepDuration(Duration.ofHours(6))
                    .build())
            .build());
  }

  private void feed(PairTraffic payment, PairTraffic rest, int rounds) {
    for (int i = 0; i < rounds; i++) {
      payment.record(pairs, FLAG, STABLE, CANARY, "payment", 250, 2_000, random);
      rest.record(pairs, FLAG, STABLE, CANARY, "shipping", 750, 6_000, random);
    }
  }

  @Test
  @DisplayName("a candidate as good as stable passes on evidence and only then gets its first step")
  void goodCandidatePasses() {
    Rollout rollout = start();
    feed(PairTraffic.equal(), PairTraffic.equal(), 2);
    fx.advance(Duration.ofMinutes(40));
    AuditRecord early = rollout.check();
    assertThat(early.decision()).isEqualTo(Decision.CONTINUE);
    assertThat(early.reason()).contains("not shown non-inferior");
    assertThat(fx.control.requests()).as("no split written while evidence is missing").isEmpty();

    AuditRecord record = early;
    int rounds = 0;
    while (record.decision() == Decision.CONTINUE && rounds++ < 60) {
      feed(PairTraffic.equal(), PairTraffic.equal(), 1);
      fx.advance(Duration.ofMinutes(1));
      record = rollout.check();
    }

    assertThat(record.decision()).isEqualTo(Decision.PROMOTE);
    assertThat(record.reason()).contains("shadow gate passed on evidence");
    assertThat(record.transition()).get().hasToString("SHADOW -> CANARY step 1");
    assertThat(fx.control.state(FLAG).share(CANARY)).isEqualTo(5.0);
    assertThat(record.ruleChecks())
        .filteredOn(c -> c.rule().startsWith("SHADOW_") && !c.segment().equals("(other)"))
        .allSatisfy(c -> assertThat(c.nonInferior()).as(c.rule() + " " + c.segment()).isTrue());
  }

  @Test
  @DisplayName("a regression in one segment aborts in the shadow: no split is ever written")
  void segmentRegressionAbortsWithoutExposure() {
    Rollout rollout = start();
    AuditRecord record = null;
    int rounds = 0;
    do {
      feed(PairTraffic.refusing(), PairTraffic.equal(), 1);
      fx.advance(Duration.ofMinutes(1));
      record = rollout.check();
    } while (record.decision() == Decision.CONTINUE && rounds++ < 60);

    assertThat(record.decision()).isEqualTo(Decision.ROLL_BACK);
    assertThat(record.reason()).contains("shadow rule broken, no user exposed").contains("payment");
    assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(fx.control.requests()).as("the only write is the kill to stable").hasSize(1);
    assertThat(fx.control.state(FLAG).killedTo()).contains(STABLE);
    assertThat(fx.control.state(FLAG).share(CANARY)).isZero();
  }

  @Test
  @DisplayName("without judge verdicts the gate holds at the step's maximum duration and alerts")
  void missingJudgeHolds() {
    Rollout rollout = start();
    PairTraffic unjudged = new PairTraffic(0.005, 0.005, 0.35, 0.35, 0.0);
    AuditRecord record = null;
    for (int hour = 0; hour < 6; hour++) {
      feed(unjudged, unjudged, 3);
      fx.advance(Duration.ofHours(1));
      record = rollout.check();
    }

    assertThat(record.decision()).isEqualTo(Decision.HOLD);
    assertThat(record.reason()).contains("SHADOW_JUDGE_WIN_RATE").contains("0 judged");
    assertThat(rollout.state()).isEqualTo(RolloutState.HELD);
    assertThat(fx.alerts)
        .anySatisfy(a -> assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL));
    assertThat(fx.control.state(FLAG).share(CANARY)).isZero();
    fx.advance(Duration.ofHours(1));
    assertThat(rollout.check().decision()).as("held stays held").isEqualTo(Decision.HOLD);
  }

  @Test
  @DisplayName("pairs recorded before the shadow phase began never count")
  void pairsBeforeTheStartDoNotCount() {
    feed(PairTraffic.equal(), PairTraffic.equal(), 30);
    Rollout rollout = start();
    fx.advance(Duration.ofMinutes(40));
    AuditRecord record = rollout.check();
    assertThat(record.decision()).isEqualTo(Decision.CONTINUE);
    assertThat(record.reason()).contains("shadow has 0 of 1000 pairs");
  }
}
