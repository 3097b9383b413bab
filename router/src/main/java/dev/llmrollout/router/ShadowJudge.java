package dev.llmrollout.router;

import dev.llmrollout.variant.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Scores a shadow pair, asynchronously and off the request path, for a sample of pairs. The verdict
 * goes to the {@link ShadowSink}.
 */
@FunctionalInterface
public interface ShadowJudge {
  /**
   * Compares the pair's answers.
   *
   * @param request the rendered messages both sides answered
   * @param pair the recorded pair
   */
  CompletionStage<JudgeVerdict> judge(List<ChatMessage> request, ShadowRecord pair);
}
