package dev.llmrollout.variant;

import java.util.Objects;

/**
 * One chat message of a prompt, in OpenAI's shape. The content may hold {@code {{var}}}
 * placeholders that the router fills from the request.
 */
public record ChatMessage(String role, String content) {
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }
}
