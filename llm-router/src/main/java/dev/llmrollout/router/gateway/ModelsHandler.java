package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.VariantPayload;
import dev.llmrollout.variant.LlmVariant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code GET /v1/models}, in OpenAI's list shape: one entry per model flag the gateway routes (its
 * id is what a request's {@code model} may name), with its variants' models, and one per configured
 * alias. LiteLLM-style clients list these to pick a route.
 */
final class ModelsHandler {
  private final RouterStack stack;
  private final Map<String, String> aliases;

  ModelsHandler(RouterStack stack, Map<String, String> aliases) {
    this.stack = stack;
    this.aliases = new TreeMap<>(aliases);
  }

  void handle(HttpExchange exchange) {
    if (!exchange.method().equals("GET")) {
      exchange.sendError(405, "method_not_allowed", "use GET to list the models");
      return;
    }
    ObjectNode body = exchange.json().createObjectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    for (String flag : new TreeSet<>(stack.flagKeys())) {
      variants(exchange, flag)
          .ifPresent(variants -> entry(data, flag, flag).set("variants", variants));
    }
    aliases.forEach((alias, flag) -> entry(data, alias, flag).put("alias", true));
    exchange.sendJson(200, body);
  }

  private static ObjectNode entry(ArrayNode data, String id, String flag) {
    return data.addObject()
        .put("id", id)
        .put("object", "model")
        .put("created", 0)
        .put("owned_by", "llm-router")
        .put("flag", flag);
  }

  /** The flag's model variants, or empty when it has none (a prompt flag, a boolean flag). */
  private Optional<ObjectNode> variants(HttpExchange exchange, String flag) {
    ObjectNode variants = exchange.json().createObjectNode();
    for (String name : stack.control().state(flag).variants()) {
      stack
          .payload(flag, name)
          .flatMap(VariantPayload::llm)
          .filter(v -> !v.isPromptOnly())
          .ifPresent(v -> variants.set(name, describe(exchange, v)));
    }
    return variants.isEmpty() ? Optional.empty() : Optional.of(variants);
  }

  private static ObjectNode describe(HttpExchange exchange, LlmVariant variant) {
    ObjectNode node = exchange.json().createObjectNode();
    node.put("model", variant.model().orElse(""));
    variant.version().ifPresent(v -> node.put("version", v));
    variant.endpoint().ifPresent(e -> node.put("endpoint", e));
    return node;
  }
}
