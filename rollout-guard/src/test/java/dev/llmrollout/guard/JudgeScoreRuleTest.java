package dev.llmrollout.guard;

import static dev.llmrollout.guard.testing.GuardFixture.CANARY;
import static dev.llmrollout.guard.testing.GuardFixture.FLAG;
import static dev.llmrollout.guard.testing.GuardFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmrollout.guard.testing.GuardFixture;
import dev.llmrollout.guard.testing.InMemorySignalSource;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, point 3: the live judge's score on a sampled share of both arms' answers is a canary
 * rule like any other: tested per declared segment in the same Holm family, held to the power gate
 * and non-inferiority, and judge failures never count as a score.
 */
@DisplayName("issue 19.3: judgeScoreDrop guards the live canary")
class JudgeScoreRuleTest {
  private static final String JUDGE_RULE = "JUDGE_SCORE(DIFFERENCE)";

  private final GuardFixture fx = new GuardFixture();
  private final SplittableRandom random = new SplittableRandom(19);
  private int users;

  private RolloutSpec.Builder spec() {
    return RolloutSpec.forFlag(FLAG)
        .stable(STABLE)
        .canary(CANARY)
        .rules(RuleSet.of(Rule.successRateDrop(0.05), Rule.judgeScoreDrop(0.05)))
        .segments("payment", "general");
  }

  /**
   * {@code count} users of {@code variant} in {@code segment}, one successful request each; half of
   * the answers go to the judge, which fails on a share {@code failureShare} of them and otherwise
   * scores around {@code meanScore} (spread 0.15, clipped to 0..1).
   */
  private void traffic(
      String variant, String segment, int count, double meanScore, double failureShare) {
    for (int u = 0; u < count; u++) {
      InMemorySignalSource.Arm arm = fx.signals.user(FLAG, variant, segment, "user-" + users++);
      arm.success();
      if (random.nextDouble() >= 0.5) {
        continue;
      }
      if (random.nextDouble() < failureShare) {
        arm.judgeFailure();
      } else {
        arm.judgeScore(Math.max(0, Math.min(1, meanScore + 0.15 * random.nextGaussian())));
      }
    }
  }

  private void round(double canaryGeneral, double canaryPayment, double canaryFailureShare) {
    traffic(STABLE, "general", 7_600, 0.8, 0);
    traffic(STABLE, "payment", 1_900, 0.8, 0);
    traffic(CANARY, "general", 400, canaryGeneral, canaryFailureShare);
    traffic(CANARY, "payment", 100, canaryPayment, canaryFailureShare);
  }

  private static RuleCheck check(AuditRecord record, String segment) {
    return record.ruleChecks().stream()
        .filter(c -> c.rule().equals(JUDGE_RULE) && c.segment().equals(segment))
        .findFirst()
        .orElseThrow();
  }

  @Test
  @DisplayName("a candidate whose judged answers get worse in one segment is rolled back there")
  void judgedDropRollsBack() {
    Rollout rollout = fx.guard().start(spec().build());
    // Better elsewhere, much worse in payment: over all traffic the drop is about 0.01.
    for (int r = 0; r < 3; r++) {
      round(0.85, 0.55, 0);
    }

    AuditRecord record = rollout.check();

    assertThat(record.decision()).isEqualTo(Decision.ROLL_BACK);
    assertThat(record.brokenRules())
        .extracting(RuleCheck::rule, RuleCheck::segment)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(JUDGE_RULE, "payment"));
    assertThat(check(record, RuleCheck.ALL_TRAFFIC).broken()).isFalse();
    RuleCheck payment = check(record, "payment");
    assertThat(payment.canaryValue()).isCloseTo(0.55, within(0.05));
    assertThat(payment.stableValue()).isCloseTo(0.8, within(0.02));
    assertThat(payment.lower()).as("drop shown above 0").isGreaterThan(0);
  }

  @Test
  @DisplayName("an A/A rollout with judged answers is not rolled back and gets promoted")
  void aaIsPromoted() {
    Rollout rollout = fx.guard().start(spec().build());
    fx.advance(Duration.ofMinutes(30));
    AuditRecord record = null;
    for (int r = 0; r < 6 && (record == null || record.decision() == Decision.CONTINUE); r++) {
      round(0.8, 0.8, 0);
      record = rollout.check();
      assertThat(record.decision()).isNotEqualTo(Decision.ROLL_BACK);
      assertThat(check(record, RuleCheck.ALL_TRAFFIC).tested()).isTrue();
    }
    assertThat(record.decision()).isEqualTo(Decision.PROMOTE);
    assertThat(check(record, RuleCheck.ALL_TRAFFIC).powered()).isTrue();
  }

  @Test
  @DisplayName("judge failures are counted but never a score for either arm")
  void failuresNeverCount() {
    Rollout rollout = fx.guard().start(spec().build());
    round(0.8, 0.8, 0.6);
    round(0.8, 0.8, 0.6);

    AuditRecord record = rollout.check();

    assertThat(record.decision()).isNotEqualTo(Decision.ROLL_BACK);
    RuleCheck all = check(record, RuleCheck.ALL_TRAFFIC);
    long canaryFailures = sum(fx.signals.counters(FLAG, CANARY).all().judgeFailures());
    long canaryScores = sum(fx.signals.counters(FLAG, CANARY).all().judged());
    assertThat(canaryFailures).as("failures were recorded").isGreaterThan(250);
    assertThat(all.canarySamples()).isEqualTo(canaryScores);
    assertThat(all.canaryValue()).isCloseTo(0.8, within(0.05));
  }

  @Test
  @DisplayName("without judge scores the first step waits for the rule's evidence")
  void noScoresNoPromotion() {
    Rollout rollout = fx.guard().start(spec().build());
    fx.advance(Duration.ofMinutes(30));
    for (int r = 0; r < 3; r++) {
      fx.traffic(STABLE, "general", 9_500, 0.9);
      fx.traffic(CANARY, "general", 500, 0.9);
    }

    AuditRecord record = rollout.check();

    assertThat(record.decision()).isEqualTo(Decision.CONTINUE);
    assertThat(check(record, RuleCheck.ALL_TRAFFIC).tested()).isFalse();
    assertThat(record.reason()).contains(JUDGE_RULE + " has 0% of the information");
  }

  private static long sum(long[] perBucket) {
    long total = 0;
    for (long v : perBucket) {
      total += v;
    }
    return total;
  }
}
