package dev.llmrollout.router;

import dev.llmrollout.variant.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A deterministic judge for tests and the demo, standing in for a judge model: it prefers an answer
 * over a refusal or a failed call (score 0.8 towards the better one) and calls every other pair a
 * tie (score 0). Scoring one live answer, it gives a blank answer 0, a refusal (the router's
 * default refusal patterns) 0.2 and any other answer 0.9. The same input always gets the same
 * verdict; it never fails.
 */
public final class StandInJudge implements ShadowJudge, AnswerJudge {
  /** How verdicts name this judge. */
  public static final String ID = "stand-in-judge@1";

  @Override
  public CompletionStage<AnswerScore> score(List<ChatMessage> request, String answer) {
    boolean refusal =
        ModelRouterBuilder.DEFAULT_REFUSAL_PATTERNS.stream()
            .anyMatch(p -> p.matcher(answer).find());
    AnswerScore score =
        answer.isBlank()
            ? new AnswerScore(0, "no answer", ID)
            : refusal
                ? new AnswerScore(0.2, "a refusal", ID)
                : new AnswerScore(0.9, "an answer", ID);
    return CompletableFuture.completedFuture(score);
  }

  @Override
  public CompletionStage<JudgeVerdict> judge(List<ChatMessage> request, ShadowRecord pair) {
    int primary = flaws(pair.primary(), pair.diff().primaryRefusal());
    int shadow = flaws(pair.shadow(), pair.diff().shadowRefusal());
    JudgeVerdict verdict =
        primary == shadow
            ? new JudgeVerdict("tie", 0, "equally good", ID)
            : primary < shadow
                ? new JudgeVerdict("primary", -0.8, "the shadow's answer is worse", ID)
                : new JudgeVerdict("shadow", 0.8, "the primary's answer is worse", ID);
    return CompletableFuture.completedFuture(verdict);
  }

  private static int flaws(ShadowRecord.Side side, boolean refusal) {
    if (side.error().isPresent()) {
      return 2;
    }
    return refusal ? 1 : 0;
  }
}
