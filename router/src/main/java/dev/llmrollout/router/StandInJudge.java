package dev.llmrollout.router;

import dev.llmrollout.variant.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * A deterministic judge for tests and the demo, standing in for a judge model: it prefers an answer
 * over a hedged one ({@link #HEDGE}), a hedged one over a refusal, anything over a failed call
 * (score 0.8 towards the better one) and calls every other pair a tie (score 0). Scoring one live
 * answer, it gives a blank answer 0, a refusal (the router's default refusal patterns) 0.2, a
 * hedged answer 0.5 and any other answer 0.9. A hedged answer is neither a refusal nor short, so it
 * is a success to the router's live signals: only the judge sees it. The same input always gets the
 * same verdict; it never fails.
 */
public final class StandInJudge implements ShadowJudge, AnswerJudge {
  /** How verdicts name this judge. */
  public static final String ID = "stand-in-judge@1";

  /**
   * What marks an answer as hedged instead of answering: "I'm not sure" or "it depends", the
   * stand-in for the answers a real judge would score lower although they are not refusals.
   */
  public static final Pattern HEDGE = Pattern.compile("(?i)\\b(?:I'm not sure|it depends)\\b");

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
                : HEDGE.matcher(answer).find()
                    ? new AnswerScore(0.5, "a hedged answer", ID)
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
      return 3;
    }
    if (refusal) {
      return 2;
    }
    return HEDGE.matcher(side.content()).find() ? 1 : 0;
  }
}
