package dev.llmrollout.router.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.guard.CanaryStep;
import dev.llmrollout.guard.RolloutPlan;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutSpecJson;
import dev.llmrollout.guard.Rule;
import dev.llmrollout.guard.RuleSet;
import dev.llmrollout.guard.ShadowRule;
import dev.llmrollout.guard.ShadowRuleSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the start request's body: defaults from flag metadata, errors naming flag and field")
class RolloutRequestReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RolloutPlan METADATA_PLAN =
      RolloutPlan.fromMetadata(
          "support-model",
          Map.of(
              "rollout.steps",
              "10,100",
              "rollout.minBake",
              "PT5M",
              "rollout.minSamplesPerArm",
              50));

  private static final JudgeEvidence NO_JUDGE = JudgeEvidence.of(false, false);
  private static final JudgeEvidence JUDGE = JudgeEvidence.of(true, true);

  private static RolloutSpec spec(String body) throws Exception {
    return spec(body, JudgeEvidence.FLEET);
  }

  private static RolloutSpec spec(String body, JudgeEvidence judge) throws Exception {
    return reader(body, judge).spec("stable", METADATA_PLAN, Map.of("stable", 100.0));
  }

  private static RolloutRequestReader reader(String body, JudgeEvidence judge) throws Exception {
    return new RolloutRequestReader("support-model", JSON.readTree(body), judge);
  }

  @Test
  void absentFieldsComeFromTheFlagsMetadataAndItsDefaultVariant() throws Exception {
    RolloutSpec spec = spec("{\"canary\": \"candidate\"}");
    assertThat(spec.stable()).isEqualTo("stable");
    assertThat(spec.plan()).isEqualTo(METADATA_PLAN);
    assertThat(spec.evalGateOverride()).isEmpty();
    assertThat(spec.canaryVersion()).isEmpty();
  }

  @Test
  void thePlanInTheBodyOverridesFieldByField() throws Exception {
    RolloutSpec spec =
        spec(
            """
            {"stable": "old", "canary": "new", "stableVersion": "1.1.0", "canaryVersion": "1.2.0",
             "plan": {"steps": [5, 50, 100], "minSamplesPerArm": 20, "onStepTimeout": "roll_back"},
             "force": "approved by on-call"}
            """);
    assertThat(spec.stable()).isEqualTo("old");
    assertThat(spec.canaryVersion()).contains("1.2.0");
    assertThat(spec.evalGateOverride()).contains("approved by on-call");
    assertThat(spec.plan().steps())
        .extracting(CanaryStep::percent)
        .containsExactly(5.0, 50.0, 100.0);
    assertThat(spec.plan().steps())
        .allSatisfy(
            step -> {
              assertThat(step.minSamplesPerArm()).isEqualTo(20);
              assertThat(step.minBake()).isEqualTo(Duration.ofMinutes(5));
            });
    assertThat(spec.plan().onStepTimeout()).isEqualTo(RolloutPlan.StepTimeoutAction.ROLL_BACK);
  }

  @Test
  void badInputNamesTheFlagTheFieldAndWhatWasExpected() {
    assertThatThrownBy(() -> spec("{}"))
        .isInstanceOf(HttpExchange.BadRequest.class)
        .hasMessage("rollout of flag 'support-model': canary: expected a variant name");
    assertThatThrownBy(() -> spec("{\"canary\": \"c\", \"canaryy\": 1}"))
        .hasMessageContaining("canaryy: expected one of the fields");
    assertThatThrownBy(() -> spec("{\"canary\": \"c\", \"plan\": {\"minBake\": \"soon\"}}"))
        .hasMessageContaining(
            "'support-model': plan.minBake: expected a duration such as 30s, 5m, 1h or ISO-8601"
                + " PT30S, got 'soon'");
    assertThatThrownBy(() -> spec("{\"canary\": \"c\", \"plan\": {\"steps\": [50, 25]}}"))
        .hasMessageContaining("'support-model': plan.steps: expected strictly ascending");
    assertThatThrownBy(() -> spec("{\"canary\": \"c\", \"plan\": {\"minSamplesPerArm\": 1.5}}"))
        .hasMessageContaining("plan.minSamplesPerArm: expected a whole number");
    assertThatThrownBy(() -> spec("{\"canary\": \"c\", \"plan\": {\"onStepTimeout\": \"wait\"}}"))
        .hasMessageContaining("plan.onStepTimeout: expected hold or roll_back");
    assertThatThrownBy(() -> spec("{\"canary\": \"c\", \"force\": \" \"}"))
        .hasMessageContaining("force: expected a non-empty string");
    assertThatThrownBy(() -> spec("{\"canary\": \"stable\"}"))
        .hasMessageContaining("canary is stable, expected a variant other than stable");
    assertThatThrownBy(() -> reader("{\"evalReport\": 3}", NO_JUDGE).evalReport())
        .hasMessageContaining("evalReport: expected the JSON object llm-router eval writes");
  }

  @Test
  @DisplayName("17.3: plan durations read 30m as the CLI does, and ISO-8601")
  void durationsReadTheSameEverywhere() throws Exception {
    for (String minBake : new String[] {"30m", "PT30M", "1800s"}) {
      RolloutSpec spec = spec("{\"canary\": \"c\", \"plan\": {\"minBake\": \"" + minBake + "\"}}");
      assertThat(spec.plan().steps().get(0).minBake()).isEqualTo(Duration.ofMinutes(30));
    }
  }

  @Test
  @DisplayName(
      "17.3: force skips the gate and takes over a split; a stable/canary split is taken over")
  void forceAndTakeOver() throws Exception {
    RolloutRequestReader forced = reader("{\"canary\": \"c\", \"force\": \"ok\"}", NO_JUDGE);
    RolloutSpec spec = forced.spec("stable", METADATA_PLAN, Map.of("stable", 50.0, "other", 50.0));
    assertThat(spec.force()).isTrue();
    assertThat(spec.evalGateOverride()).contains("ok");

    RolloutRequestReader plain = reader("{\"canary\": \"c\"}", NO_JUDGE);
    assertThat(plain.spec("stable", METADATA_PLAN, Map.of("stable", 95.0, "c", 5.0)).force())
        .as("the rollout's own two arms")
        .isTrue();
    assertThat(plain.spec("stable", METADATA_PLAN, Map.of("stable", 95.0, "other", 5.0)).force())
        .as("another change's split")
        .isFalse();
    assertThat(
            plain
                .spec("stable", METADATA_PLAN, Map.of("stable", 95.0, "c", 5.0))
                .evalGateOverride())
        .isEmpty();
  }

  @Test
  @DisplayName("issue 19: a start request declares its shadow rules, and the record keeps them")
  void shadowRulesAreDeclaredAndRecorded() throws Exception {
    RolloutSpec spec =
        spec(
            """
            {"canary": "c", "shadowRules": ["refusalDiscordanceAtMost(0.02)",
             " latencyTailRatioAtMost( 0.99 , 2 ) ", "judgeWinRateAtLeast(0.45)",
             "costRatioAtMost(2)", "firstTokenRatioAtMost(1.5)"]}
            """);
    assertThat(spec.shadowRules())
        .isEqualTo(
            ShadowRuleSet.of(
                ShadowRule.refusalDiscordanceAtMost(0.02),
                ShadowRule.latencyTailRatioAtMost(0.99, 2),
                ShadowRule.judgeWinRateAtLeast(0.45),
                ShadowRule.costRatioAtMost(2),
                ShadowRule.firstTokenRatioAtMost(1.5)));
    assertThat(RolloutSpecJson.read(RolloutSpecJson.write(spec)).shadowRules())
        .as("the durable record's form")
        .isEqualTo(spec.shadowRules());
    assertThat(spec("{\"canary\": \"c\"}").shadowRules())
        .isEqualTo(RolloutRequestReader.SHADOW_RULES);
  }

  @Test
  @DisplayName("issue 19: a bad shadow rule names the flag, its index and what was expected")
  void badShadowRulesNameTheField() {
    assertThatThrownBy(() -> spec("{\"canary\": \"c\", \"shadowRules\": []}"))
        .isInstanceOf(HttpExchange.BadRequest.class)
        .hasMessageStartingWith("rollout of flag 'support-model': shadowRules: expected a");
    assertThatThrownBy(() -> spec("{\"canary\": \"c\", \"shadowRules\": [3]}"))
        .hasMessageContaining("shadowRules[0]: expected a rule such as");
    assertThatThrownBy(
            () ->
                spec(
                    "{\"canary\": \"c\", \"shadowRules\": [\"tokenRatioAtMost(1.5)\","
                        + " \"refusalDiscordanceAtMost(2)\"]}"))
        .hasMessage(
            "rollout of flag 'support-model': shadowRules[1]: shadow rule REFUSAL_DISCORDANCE:"
                + " margin is 2.0, expected above 0 and below 1");
    assertThatThrownBy(() -> spec("{\"canary\": \"c\", \"shadowRules\": [\"p99(1.5)\"]}"))
        .hasMessageContaining(
            "shadowRules[0]: shadow rule 'p99(1.5)': expected one of"
                + " judgeWinRateAtLeast(winRate),");
    assertThatThrownBy(
            () -> spec("{\"canary\": \"c\", \"shadowRules\": [\"tokenRatioAtMost(x)\"]}"))
        .hasMessageContaining("shadowRules[0]: shadow rule 'tokenRatioAtMost(x)': 'x' is not");
    assertThatThrownBy(
            () -> spec("{\"canary\": \"c\", \"shadowRules\": [\"latencyTailRatioAtMost(0.99)\"]}"))
        .hasMessageContaining("expected one of");
  }

  @Test
  @DisplayName(
      "issue 19: with a judge, a start request declares the live judge rule and the judge's win"
          + " rate, and the record keeps them; the shadow defaults then include the win rate")
  void judgeRulesWithAJudge() throws Exception {
    RolloutSpec spec =
        spec(
            """
            {"canary": "c", "rules": ["successRateDrop(0.05)",
             "judgeScoreDrop(0.05).tolerating(0.02)"],
             "shadowRules": ["judgeWinRateAtLeast(0.45)"]}
            """,
            JUDGE);
    assertThat(spec.rules())
        .isEqualTo(
            RuleSet.of(Rule.successRateDrop(0.05), Rule.judgeScoreDrop(0.05).tolerating(0.02)));
    assertThat(spec.shadowRules())
        .isEqualTo(ShadowRuleSet.of(ShadowRule.judgeWinRateAtLeast(0.45)));
    assertThat(RolloutSpecJson.read(RolloutSpecJson.write(spec)).rules())
        .as("the durable record's form")
        .isEqualTo(spec.rules());
    RolloutSpec defaults = spec("{\"canary\": \"c\"}", JUDGE);
    assertThat(defaults.shadowRules()).isEqualTo(ShadowRuleSet.ofDefaults());
    assertThat(defaults.rules()).isEqualTo(RuleSet.ofDefaults());
    assertThat(spec("{\"canary\": \"c\"}", NO_JUDGE).shadowRules())
        .isEqualTo(RolloutRequestReader.SHADOW_RULES);
  }

  @Test
  @DisplayName(
      "issue 19: without a judge a judge rule is refused at the start, naming the field and the"
          + " options it needs")
  void judgeRulesWithoutAJudgeAreRefused() {
    assertThatThrownBy(
            () ->
                spec(
                    "{\"canary\": \"c\", \"rules\": [\"successRateDrop(0.05)\","
                        + " \"judgeScoreDrop(0.05)\"]}",
                    NO_JUDGE))
        .isInstanceOf(HttpExchange.BadRequest.class)
        .hasMessageStartingWith(
            "rollout of flag 'support-model': rules[1]: judgeScoreDrop(0.05) needs live judge"
                + " scores; start llm-router serve with a judge")
        .hasMessageContaining("--live-judge-sample-rate")
        .hasMessageEndingWith("; this gateway has none");
    assertThatThrownBy(
            () ->
                spec(
                    "{\"canary\": \"c\", \"shadowRules\": [\"judgeWinRateAtLeast(0.45)\"]}",
                    NO_JUDGE))
        .hasMessageStartingWith(
            "rollout of flag 'support-model': shadowRules[0]: judgeWinRateAtLeast(0.45) needs the"
                + " judge's verdicts on shadow pairs")
        .hasMessageContaining("--judge-shadow-sample-rate above 0");
    assertThatThrownBy(
            () ->
                spec(
                    "{\"canary\": \"c\", \"rules\": [\"judgeScoreDrop(0.05)\"]}",
                    JudgeEvidence.of(true, false)))
        .as("a judge on shadow pairs only")
        .hasMessageContaining("rules[0]: judgeScoreDrop(0.05) needs live judge scores");
  }

  @Test
  @DisplayName("issue 19: a bad canary rule names the flag, its index and what was expected")
  void badRulesNameTheField() {
    assertThatThrownBy(() -> spec("{\"canary\": \"c\", \"rules\": {}}", JUDGE))
        .hasMessage(
            "rollout of flag 'support-model': rules: expected a non-empty array of rules such as"
                + " [\"judgeScoreDrop(0.05)\"]");
    assertThatThrownBy(() -> spec("{\"canary\": \"c\", \"rules\": [5]}", JUDGE))
        .hasMessageContaining("rules[0]: expected a rule such as");
    assertThatThrownBy(
            () ->
                spec("{\"canary\": \"c\", \"rules\": [\"judgeScoreDrop(0.05)\", \"p99\"]}", JUDGE))
        .hasMessageStartingWith(
            "rollout of flag 'support-model': rules[1]: rule 'p99': expected one of"
                + " successRateDrop(points)");
    assertThatThrownBy(
            () ->
                spec(
                    "{\"canary\": \"c\", \"rules\": [\"judgeScoreDrop(0.05).tolerating(0.1)\"]}",
                    JUDGE))
        .hasMessageContaining("rules[0]: rule JUDGE_SCORE: regressionTolerated is 0.1");
  }
}
