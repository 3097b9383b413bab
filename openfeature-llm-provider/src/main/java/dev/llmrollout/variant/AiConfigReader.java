package dev.llmrollout.variant;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a LaunchDarkly AI Config variation ({@code _ldMeta}, {@code model.name}, {@code
 * model.parameters}, {@code provider.name}, {@code messages}) into the same {@link LlmVariant}.
 *
 * <p>AI Configs have no model version or endpoint field: they are taken from {@code
 * model.custom.version} and {@code model.custom.endpoint}, the endpoint defaulting to the
 * provider's name. Camel-case parameters ({@code maxTokens}) become the OpenAI names ({@code
 * max_tokens}).
 */
final class AiConfigReader {
  private static final Map<String, String> OPENAI_NAMES =
      Map.of(
          "maxTokens", "max_tokens",
          "topP", "top_p",
          "frequencyPenalty", "frequency_penalty",
          "presencePenalty", "presence_penalty");

  private final VariantParser parser;

  AiConfigReader(VariantParser parser) {
    this.parser = parser;
  }

  static boolean isAiConfig(JsonNode payload) {
    return payload != null && payload.isObject() && payload.has("_ldMeta");
  }

  LlmVariant read(JsonNode node) throws InvalidVariantException {
    JsonNode meta = node.get("_ldMeta");
    if (!meta.isObject()) {
      throw parser.invalid("$._ldMeta", "an object");
    }
    JsonNode model = node.path("model");
    if (!model.isObject()) {
      throw parser.invalid("$.model", "an object with 'name' (an AI Config model)");
    }
    Optional<String> name = parser.optionalText(model, "name", "$.model.name");
    if (name.isEmpty()) {
      throw parser.invalid("$.model.name", "the model name");
    }
    JsonNode custom = model.path("custom");
    Optional<String> endpoint = parser.endpoint(custom.get("endpoint"), "$.model.custom.endpoint");
    if (endpoint.isEmpty()) {
      endpoint = parser.endpoint(node.path("provider").get("name"), "$.provider.name");
    }
    List<ChatMessage> messages = parser.messages(node.get("messages"), "$.messages");
    Optional<PromptSpec> prompt =
        messages.isEmpty()
            ? Optional.empty()
            : Optional.of(
                new PromptSpec(
                    Optional.ofNullable(meta.path("variationKey").textValue()),
                    meta.has("version")
                        ? Optional.of(meta.get("version").asText())
                        : Optional.empty(),
                    messages));
    return new LlmVariant(
        name,
        parser.semver(custom.get("version"), "$.model.custom.version"),
        endpoint,
        prompt,
        openAiNames(parser.parameters(model.get("parameters"), "$.model.parameters")),
        Optional.empty());
  }

  private static Map<String, JsonNode> openAiNames(Map<String, JsonNode> parameters) {
    Map<String, JsonNode> renamed = new LinkedHashMap<>();
    parameters.forEach((k, v) -> renamed.put(OPENAI_NAMES.getOrDefault(k, k), v));
    return renamed;
  }
}
