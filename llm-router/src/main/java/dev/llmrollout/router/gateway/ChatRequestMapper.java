package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.router.RouteRequest;
import dev.llmrollout.variant.ChatMessage;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Turns an OpenAI chat completions request and the gateway's headers into a {@link RouteRequest}.
 * The routing key is {@code X-Session-Id}, else {@code X-User-Id}, else the body's {@code user};
 * the flag is {@code X-Flag-Key}, else the flag the body's {@code model} names ({@code flag:KEY},
 * an alias, or a flag key), else the gateway's default flag. The body's {@code metadata} strings
 * become both context attributes (such as {@code intent}) and prompt template values.
 */
final class ChatRequestMapper {
  static final String SESSION_HEADER = "X-Session-Id";
  static final String USER_HEADER = "X-User-Id";
  static final String FLAG_HEADER = "X-Flag-Key";
  static final String PROMPT_FLAG_HEADER = "X-Prompt-Flag-Key";
  static final String REQUEST_ID_HEADER = "X-Request-Id";

  /** A request {@code model} naming a flag explicitly: {@code flag:support-model}. */
  static final String FLAG_MODEL_PREFIX = "flag:";

  private final Optional<String> defaultFlag;
  private final Map<String, String> aliases;
  private final Supplier<Set<String>> flagKeys;

  /**
   * @param aliases request {@code model} names that route to a flag
   * @param flagKeys the flags served now, so that a {@code model} naming one routes to it
   */
  ChatRequestMapper(
      Optional<String> defaultFlag, Map<String, String> aliases, Supplier<Set<String>> flagKeys) {
    this.defaultFlag = defaultFlag;
    this.aliases = Map.copyOf(aliases);
    this.flagKeys = flagKeys;
  }

  RouteRequest map(HttpExchange exchange, JsonNode body) {
    String flag =
        Optional.ofNullable(exchange.header(FLAG_HEADER))
            .or(() -> flagOfModel(body.path("model").asText("")))
            .or(() -> defaultFlag)
            .orElseThrow(
                () ->
                    new HttpExchange.BadRequest(
                        "no flag: send the X-Flag-Key header, set \"model\" to \"flag:KEY\" (GET"
                            + " /v1/models lists them), or start the gateway with --default-flag"));
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

  /**
   * The flag a request's {@code model} names: {@code flag:KEY}, a configured alias, or a flag key
   * itself; empty for any other model name (the default flag then applies).
   */
  private Optional<String> flagOfModel(String model) {
    if (model.startsWith(FLAG_MODEL_PREFIX)) {
      String key = model.substring(FLAG_MODEL_PREFIX.length());
      if (!flagKeys.get().contains(key)) {
        throw new HttpExchange.BadRequest(
            "model '"
                + model
                + "': no flag '"
                + key
                + "' is served; expected one of "
                + new TreeSet<>(flagKeys.get())
                + " (GET /v1/models)");
      }
      return Optional.of(key);
    }
    if (aliases.containsKey(model)) {
      return Optional.of(aliases.get(model));
    }
    return flagKeys.get().contains(model) ? Optional.of(model) : Optional.empty();
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
