package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.router.RouteRequest;
import dev.llmrollout.variant.ChatMessage;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an OpenAI chat completions request and the gateway's headers into a {@link RouteRequest}.
 * The routing key is {@code X-Session-Id}, else {@code X-User-Id}, else the body's {@code user};
 * the flag is {@code X-Flag-Key}, else the gateway's default flag. The body's {@code metadata}
 * strings become both context attributes (such as {@code intent}) and prompt template values.
 */
final class ChatRequestMapper {
  static final String SESSION_HEADER = "X-Session-Id";
  static final String USER_HEADER = "X-User-Id";
  static final String FLAG_HEADER = "X-Flag-Key";
  static final String PROMPT_FLAG_HEADER = "X-Prompt-Flag-Key";
  static final String REQUEST_ID_HEADER = "X-Request-Id";

  private final Optional<String> defaultFlag;

  ChatRequestMapper(Optional<String> defaultFlag) {
    this.defaultFlag = defaultFlag;
  }

  RouteRequest map(HttpExchange exchange, JsonNode body) {
    String flag =
        Optional.ofNullable(exchange.header(FLAG_HEADER))
            .or(() -> defaultFlag)
            .orElseThrow(
                () ->
                    new HttpExchange.BadRequest(
                        "no flag: send the X-Flag-Key header or start the gateway with"
                            + " --default-flag"));
    RouteRequest.Builder request = RouteRequest.builder(flag);
    Optional.ofNullable(exchange.header(PROMPT_FLAG_HEADER)).ifPresent(request::promptFlag);
    Optional.ofNullable(exchange.header(SESSION_HEADER)).ifPresent(request::sessionId);
    Optional.ofNullable(exchange.header(USER_HEADER))
        .or(() -> text(body.get("user")))
        .ifPresent(request::userId);
    Optional.ofNullable(exchange.header(REQUEST_ID_HEADER)).ifPresent(request::requestId);
    JsonNode metadata = body.path("metadata");
    for (Map.Entry<String, JsonNode> e : metadata.properties()) {
      if (e.getValue().isValueNode()) {
        request.attribute(e.getKey(), e.getValue().asText());
        request.variable(e.getKey(), e.getValue().asText());
      }
    }
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new HttpExchange.BadRequest("messages: expected a non-empty array");
    }
    for (int i = 0; i < messages.size(); i++) {
      request.message(message(messages.get(i), i));
    }
    request.jsonResponse("json_object".equals(body.path("response_format").path("type").asText()));
    return request.build();
  }

  private static ChatMessage message(JsonNode message, int index) {
    String role = message.path("role").asText("");
    if (role.isEmpty()) {
      throw new HttpExchange.BadRequest("messages[" + index + "].role: expected a string");
    }
    JsonNode content = message.get("content");
    if (content != null && content.isTextual()) {
      return new ChatMessage(role, content.asText());
    }
    if (content != null && content.isArray()) {
      StringBuilder text = new StringBuilder();
      content.forEach(part -> text.append(part.path("text").asText("")));
      return new ChatMessage(role, text.toString());
    }
    throw new HttpExchange.BadRequest(
        "messages[" + index + "].content: expected a string or an array of text parts");
  }

  private static Optional<String> text(JsonNode node) {
    return node != null && node.isTextual() && !node.asText().isBlank()
        ? Optional.of(node.asText())
        : Optional.empty();
  }
}
