package dev.llmrollout.variant;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a variant payload, in this project's JSON shape or as a LaunchDarkly AI Config variation,
 * into an {@link LlmVariant}. Every rejection names the flag, the variant, the JSON path and what
 * was expected.
 */
public final class VariantParser {
  private static final Set<String> FIELDS =
      Set.of("model", "version", "endpoint", "prompt", "parameters", "shadow");
  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool");
  private static final Pattern SEMVER =
      Pattern.compile(
          "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");
  private static final Pattern ENDPOINT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final String flagKey;
  private final String variant;

  private VariantParser(String flagKey, String variant) {
    this.flagKey = flagKey;
    this.variant = variant;
  }

  /**
   * Parses one variant's payload.
   *
   * @throws InvalidVariantException naming the flag, the JSON path and what was expected
   */
  public static LlmVariant parse(String flagKey, String variant, JsonNode payload)
      throws InvalidVariantException {
    VariantParser parser = new VariantParser(flagKey, variant);
    if (payload == null || !payload.isObject()) {
      throw parser.invalid("$", "a JSON object with a model or a prompt");
    }
    return AiConfigReader.isAiConfig(payload)
        ? new AiConfigReader(parser).read(payload)
        : parser.readOwnShape(payload);
  }

  /**
   * True when {@code payload} presents itself as a model or prompt variant: an object with a {@code
   * model} or {@code prompt} field, or a LaunchDarkly AI Config ({@code _ldMeta}).
   */
  public static boolean isModelOrPrompt(JsonNode payload) {
    return payload != null
        && payload.isObject()
        && (payload.has("model") || payload.has("prompt") || AiConfigReader.isAiConfig(payload));
  }

  /** True for a LaunchDarkly AI Config variation that is switched off ({@code _ldMeta.enabled}). */
  public static boolean isDisabledAiConfig(JsonNode payload) {
    return AiConfigReader.isAiConfig(payload)
        && payload.path("_ldMeta").path("enabled").isBoolean()
        && !payload.path("_ldMeta").path("enabled").booleanValue();
  }

  private LlmVariant readOwnShape(JsonNode node) throws InvalidVariantException {
    for (Map.Entry<String, JsonNode> property : node.properties()) {
      String field = property.getKey();
      if (!FIELDS.contains(field)) {
        throw invalid("$." + field, "one of the fields " + FIELDS + " (unknown field)");
      }
    }
    Optional<String> model = optionalText(node, "model", "$.model");
    Optional<PromptSpec> prompt = prompt(node.get("prompt"), "$.prompt");
    if (model.isEmpty() && prompt.isEmpty()) {
      throw invalid("$", "a 'model' (a model variant) or a 'prompt' (a prompt variant)");
    }
    return new LlmVariant(
        model,
        semver(node.get("version"), "$.version"),
        endpoint(node.get("endpoint"), "$.endpoint"),
        prompt,
        parameters(node.get("parameters"), "$.parameters"),
        shadow(node.get("shadow"), "$.shadow"));
  }

  Optional<String> optionalText(JsonNode parent, String field, String path)
      throws InvalidVariantException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw invalid(path, "a non-empty string");
    }
    return Optional.of(node.asText());
  }

  Optional<String> semver(JsonNode node, String path) throws InvalidVariantException {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual() || !SEMVER.matcher(node.asText()).matches()) {
      throw invalid(path, "a semantic version such as \"1.2.0\"");
    }
    return Optional.of(node.asText());
  }

  Optional<String> endpoint(JsonNode node, String path) throws InvalidVariantException {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual() || !ENDPOINT_NAME.matcher(node.asText()).matches()) {
      throw invalid(
          path,
          "the name of an endpoint configured locally (letters, digits, '.', '_', '-'),"
              + " never a URL");
    }
    return Optional.of(node.asText());
  }

  Optional<PromptSpec> prompt(JsonNode node, String path) throws InvalidVariantException {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw invalid(path, "an object with 'id' and 'version' and/or 'messages'");
    }
    Optional<String> id = optionalText(node, "id", path + ".id");
    Optional<String> version = promptVersion(node.get("version"), path + ".version");
    List<ChatMessage> messages = messages(node.get("messages"), path + ".messages");
    if (id.isEmpty() && messages.isEmpty()) {
      throw invalid(path, "an 'id' or non-empty 'messages'");
    }
    return Optional.of(new PromptSpec(id, version, messages));
  }

  private Optional<String> promptVersion(JsonNode node, String path)
      throws InvalidVariantException {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (node.isIntegralNumber() || (node.isTextual() && !node.asText().isBlank())) {
      return Optional.of(node.asText());
    }
    throw invalid(path, "a string or an integer");
  }

  List<ChatMessage> messages(JsonNode node, String path) throws InvalidVariantException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw invalid(path, "an array of {\"role\", \"content\"} objects");
    }
    List<ChatMessage> messages = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode message = node.get(i);
      String at = path + "[" + i + "]";
      if (!message.isObject()) {
        throw invalid(at, "an object with 'role' and 'content'");
      }
      JsonNode role = message.get("role");
      if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
        throw invalid(at + ".role", "one of " + ROLES);
      }
      JsonNode content = message.get("content");
      if (content == null || !content.isTextual()) {
        throw invalid(at + ".content", "a string");
      }
      messages.add(new ChatMessage(role.asText(), content.asText()));
    }
    return messages;
  }

  Map<String, JsonNode> parameters(JsonNode node, String path) throws InvalidVariantException {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw invalid(path, "an object of request parameters such as {\"temperature\": 0.2}");
    }
    Map<String, JsonNode> parameters = new LinkedHashMap<>();
    node.properties().forEach(e -> parameters.put(e.getKey(), e.getValue()));
    return parameters;
  }

  private Optional<ShadowDirective> shadow(JsonNode node, String path)
      throws InvalidVariantException {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      throw invalid(path, "an object {\"variant\": \"...\", \"sampleRate\": 0.1}");
    }
    String target =
        optionalText(node, "variant", path + ".variant")
            .orElseThrow(() -> invalid(path + ".variant", "the name of the variant to shadow"));
    JsonNode rate = node.get("sampleRate");
    if (rate == null || !rate.isNumber() || rate.asDouble() < 0 || rate.asDouble() > 1) {
      throw invalid(path + ".sampleRate", "a number from 0 to 1");
    }
    return Optional.of(new ShadowDirective(target, rate.asDouble()));
  }

  InvalidVariantException invalid(String path, String expected) {
    return new InvalidVariantException(flagKey, variant, path, expected);
  }
}
