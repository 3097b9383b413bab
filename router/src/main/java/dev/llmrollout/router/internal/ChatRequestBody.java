package dev.llmrollout.router.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.variant.ChatMessage;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the JSON body of an OpenAI chat completions request from a variant and messages. */
public final class ChatRequestBody {
  /** Fields the router owns: a variant's parameters cannot override them. */
  private static final Set<String> RESERVED =
      Set.of("model", "messages", "stream", "stream_options");

  private ChatRequestBody() {}

  public static ObjectNode build(
      ObjectMapper json,
      String model,
      Map<String, JsonNode> parameters,
      List<ChatMessage> messages,
      boolean stream,
      boolean jsonRequested) {
    ObjectNode body = json.createObjectNode();
    body.put("model", model);
    ArrayNode array = body.putArray("messages");
    for (ChatMessage message : messages) {
      array.addObject().put("role", message.role()).put("content", message.content());
    }
    parameters.forEach(
        (name, value) -> {
          if (!RESERVED.contains(name)) {
            body.set(name, value);
          }
        });
    if (jsonRequested && !parameters.containsKey("response_format")) {
      body.putObject("response_format").put("type", "json_object");
    }
    if (stream) {
      body.put("stream", true);
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  /** True when the variant's parameters ask for a JSON answer. */
  public static boolean asksForJson(Map<String, JsonNode> parameters) {
    String type = parameters.getOrDefault("response_format", json()).path("type").asText("");
    return type.equals("json_object") || type.equals("json_schema");
  }

  private static JsonNode json() {
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
