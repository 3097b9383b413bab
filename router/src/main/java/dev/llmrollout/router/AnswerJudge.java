package dev.llmrollout.router;

import dev.llmrollout.variant.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Scores one live answer on the judge's rubric (single-answer scoring, 0 to 1), asynchronously and
 * off the request path, for the sampled share of live calls {@link ModelRouterBuilder#liveJudging}
 * sets. A failed stage is counted as a judge failure, never as a score.
 */
@FunctionalInterface
public interface AnswerJudge {
  /**
   * Scores {@code answer}.
   *
   * @param request the rendered messages the answer replies to
   * @param answer the answer the user got
   */
  CompletionStage<AnswerScore> score(List<ChatMessage> request, String answer);
}
