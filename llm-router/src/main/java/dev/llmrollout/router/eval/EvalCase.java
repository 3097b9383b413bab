package dev.llmrollout.router.eval;

import dev.llmrollout.variant.ChatMessage;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One case of a regression set: the conversation to send, the values of the prompt's placeholders,
 * and what the answer must satisfy.
 *
 * @param id a unique id within the set
 * @param intent the segment the case belongs to (also sent as the {@code intent} attribute)
 * @param messages the conversation, appended after the variant's prompt
 * @param variables values for the prompt's {@code {{var}}} placeholders
 * @param checks what the answer must satisfy, all of them
 * @param judge an optional judge threshold, checked through the router's judge
 * @param line the line of the cases file the case came from
 */
public record EvalCase(
    String id,
    String intent,
    List<ChatMessage> messages,
    Map<String, String> variables,
    List<CaseCheck> checks,
    Optional<JudgeThreshold> judge,
    int line) {

  public EvalCase {
    messages = List.copyOf(messages);
    variables = Map.copyOf(variables);
    checks = List.copyOf(checks);
  }

  /**
   * The judge compares the variant's answer (as B) with a reference answer (as A); the case passes
   * when the judge's score is at least {@code minScore} (from -1, the reference is much better, to
   * 1, the answer is much better).
   *
   * @param reference the reference answer
   * @param minScore the lowest passing score
   */
  public record JudgeThreshold(String reference, double minScore) {}
}
