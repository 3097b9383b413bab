package dev.llmrollout.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("issue 19.4: a judge pinned by version, its rubric in configuration, a stand-in judge")
class JudgeConfigTest {

  @Test
  @DisplayName("a judge without a pinned version or rubric is refused with the field named")
  void judgeIsPinned() {
    assertThatThrownBy(() -> JudgeConfig.pinned("gpt-4o", " "))
        .hasMessage("judge config: version is  , expected a pinned model version");
    assertThatThrownBy(() -> JudgeConfig.pinned("gpt-4o", "2024-08-06").rubric(""))
        .hasMessage("judge config: rubric is , expected the judge's rubric");
    assertThat(JudgeConfig.pinned("gpt-4o", "2024-08-06").judgeId()).isEqualTo("gpt-4o@2024-08-06");
    assertThat(JudgeConfig.pinned("gpt-4o", "2024-08-06").order())
        .isEqualTo(JudgeConfig.Order.BOTH_ORDERS);
  }

  @Test
  @DisplayName("the stand-in judge prefers an answer over a refusal or a failure, else a tie")
  void standInJudgeIsDeterministic() {
    StandInJudge judge = new StandInJudge();

    JudgeVerdict refusedShadow = verdict(judge, side(""), side(""), false, true);
    JudgeVerdict failedPrimary = verdict(judge, side("TIMEOUT"), side(""), false, false);
    JudgeVerdict equal = verdict(judge, side(""), side(""), false, false);

    assertThat(refusedShadow)
        .isEqualTo(
            new JudgeVerdict("primary", -0.8, "the shadow's answer is worse", StandInJudge.ID));
    assertThat(failedPrimary.preferred()).isEqualTo("shadow");
    assertThat(equal.preferred()).isEqualTo("tie");
    assertThat(verdict(judge, side(""), side(""), false, true)).isEqualTo(refusedShadow);
  }

  @Test
  @DisplayName(
      "the stand-in judge scores a hedged answer below a plain one, above a refusal, and prefers"
          + " the plain one in a pair")
  void standInJudgeSeesHedgedAnswers() {
    StandInJudge judge = new StandInJudge();
    String hedged = "I'm not sure, but your refund usually arrives within five days.";

    assertThat(score(judge, "Your refund arrives within five days.")).isEqualTo(0.9);
    assertThat(score(judge, hedged)).isEqualTo(0.5);
    assertThat(score(judge, "It depends on your plan.")).isEqualTo(0.5);
    assertThat(score(judge, "I can't help with that request.")).isEqualTo(0.2);
    assertThat(verdict(judge, side("", "A plain answer."), side("", hedged), false, false))
        .isEqualTo(
            new JudgeVerdict("primary", -0.8, "the shadow's answer is worse", StandInJudge.ID));
    assertThat(verdict(judge, side("", "I can't help."), side("", hedged), true, false).preferred())
        .isEqualTo("shadow");
  }

  private static double score(StandInJudge judge, String answer) {
    return judge.score(List.of(), answer).toCompletableFuture().join().score();
  }

  private static JudgeVerdict verdict(
      StandInJudge judge,
      ShadowRecord.Side primary,
      ShadowRecord.Side shadow,
      boolean primaryRefusal,
      boolean shadowRefusal) {
    ShadowRecord pair =
        new ShadowRecord(
            Instant.EPOCH,
            "hash",
            "flag",
            primary,
            shadow,
            new ShadowRecord.Diff(0, primaryRefusal, shadowRefusal, false, false));
    return judge.judge(List.of(), pair).toCompletableFuture().join();
  }

  private static ShadowRecord.Side side(String error) {
    return side(error, "answer");
  }

  private static ShadowRecord.Side side(String error, String content) {
    return new ShadowRecord.Side(
        "v",
        "m",
        Optional.empty(),
        "e",
        content,
        error.isEmpty() ? Optional.empty() : Optional.of(error),
        10,
        1,
        1);
  }
}
