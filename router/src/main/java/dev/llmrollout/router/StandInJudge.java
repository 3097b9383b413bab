package dev.llmrollout.router;

import dev.llmrollout.variant.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A deterministic judge for tests and the demo, standing in for a judge model: it prefers an answer
 * over a refusal or a failed call (score 0.8 towards the better one) and calls every other pair a
 * tie (score 0). The same pair always gets the same verdict; it never fails.
 */
public final class StandInJudge implements ShadowJudge {
  /** How verdicts name this judge. */
  public static final String ID = "stand-in-judge@1";

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
