package dev.llmrollout.variant;

import java.util.List;
import java.util.Optional;

/**
 * The prompt a variant serves: a reference into a prompt registry ({@code id} and {@code version}),
 * inline {@code messages}, or both.
 */
public record PromptSpec(
    Optional<String> id, Optional<String> version, List<ChatMessage> messages) {
  public PromptSpec {
    messages = List.copyOf(messages);
  }
}
