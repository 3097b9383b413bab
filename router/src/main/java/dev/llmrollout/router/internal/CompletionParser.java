package dev.llmrollout.router.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads the fields the router needs from OpenAI-shaped completion JSON and stream chunks. */
final class CompletionParser {
  private CompletionParser() {}

  /** The assistant text of a non-streamed answer, or null when the shape is wrong. */
  static String messageContent(JsonNode completion) {
    JsonNode choice = completion.path("choices").path(0);
    JsonNode content = choice.path("message").path("content");
    if (content.isTextual()) {
      return content.textValue();
    }
    // A refusal or tool call may come without content; an empty answer is still an answer.
    return choice.path("message").isObject()
        ? textOr(choice.path("message").path("refusal"))
        : null;
  }

  /** The text a stream chunk adds, empty when it adds none. */
  static String deltaContent(JsonNode chunk) {
    JsonNode delta = chunk.path("choices").path(0).path("delta");
    return textOr(delta.path("content")) + textOr(delta.path("refusal"));
  }

  static String finishReason(JsonNode node) {
    return textOr(node.path("choices").path(0).path("finish_reason"));
  }

  static String model(JsonNode node) {
    return textOr(node.path("model"));
  }

  static boolean hasUsage(JsonNode node) {
    return node.path("usage").isObject();
  }

  static long promptTokens(JsonNode node) {
    return node.path("usage").path("prompt_tokens").asLong(0);
  }

  static long completionTokens(JsonNode node) {
    return node.path("usage").path("completion_tokens").asLong(0);
  }

  private static String textOr(JsonNode node) {
    return node.isTextual() ? node.textValue() : "";
  }
}
