package dev.llmrollout.appconfig.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.appconfig.DocumentFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the content GetLatestConfiguration returns into flags. A document that is not JSON or not
 * of the expected shape is rejected whole; a single flag that is wrong becomes a broken flag.
 *
 * <p>{@code AWS.AppConfig.FeatureFlags} content arrives in its retrieval form, a flat map of flag
 * key to attribute values ({@code {"support-model":{"enabled":true,"variants":"{...}",
 * "weights":"{\"stable\":95,\"canary\":5}"}}}); flagd content is {@code {"flags":{...}}}.
 */
public final class ConfigurationReader {
  /** Shared JSON mapper; exact decimals so that weights such as 2.5 stay exact. */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private ConfigurationReader() {}

  /** Reads {@code content}; {@code flagVersion} is reported in each evaluation's metadata. */
  public static Map<String, FlagDefinition> read(
      byte[] content, DocumentFormat format, String flagVersion)
      throws MalformedConfigurationException {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      throw new MalformedConfigurationException(
          "configuration: expected a JSON document (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new MalformedConfigurationException("configuration: unreadable", e);
    }
    if (root == null || !root.isObject()) {
      throw new MalformedConfigurationException("configuration: expected a JSON object");
    }
    DocumentFormat actual = format == DocumentFormat.AUTO ? detect(root) : format;
    return actual == DocumentFormat.FLAGD
        ? readFlagd(root, flagVersion)
        : readFeatureFlags(root, flagVersion);
  }

  /** A flagd document has a top-level {@code flags} object whose members are not FeatureFlags. */
  public static DocumentFormat detect(JsonNode root) {
    JsonNode flags = root.get("flags");
    boolean flagd =
        flags != null
            && flags.isObject()
            && !flags.has("enabled")
            && (root.has("$schema") || root.size() == 1 || !root.path("values").isObject());
    return flagd ? DocumentFormat.FLAGD : DocumentFormat.FEATURE_FLAGS;
  }

  private static Map<String, FlagDefinition> readFeatureFlags(JsonNode root, String flagVersion)
      throws MalformedConfigurationException {
    if (root.has("values") && root.path("version").isTextual()) {
      throw new MalformedConfigurationException(
          "configuration: expected the retrieval form of an AWS.AppConfig.FeatureFlags profile"
              + " (flag key to values), found the stored form with 'flags' and 'values'");
    }
    Map<String, FlagDefinition> flags = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      flags.put(entry.getKey(), featureFlag(entry.getKey(), entry.getValue(), flagVersion));
    }
    return flags;
  }

  private static FlagDefinition featureFlag(String key, JsonNode node, String flagVersion) {
    if (!node.isObject() || !node.path("enabled").isBoolean()) {
      return FlagDefinition.broken(
          key, node, "flag '" + key + "': enabled: expected a boolean attribute");
    }
    if (!node.get("enabled").booleanValue()) {
      return FlagDefinition.disabled(key, node);
    }
    try {
      JsonNode variants = embeddedJson(key, node, "variants");
      JsonNode weightsNode = embeddedJson(key, node, "weights");
      JsonNode defaultVariant = node.get("defaultVariant");
      if (defaultVariant != null && !defaultVariant.isTextual()) {
        throw new IllegalArgumentException("defaultVariant: expected a variant name");
      }
      Map<String, BigDecimal> weights = new LinkedHashMap<>();
      if (weightsNode != null) {
        if (!weightsNode.isObject()) {
          throw new IllegalArgumentException("weights: expected an object of variant to percent");
        }
        for (Map.Entry<String, JsonNode> weight : weightsNode.properties()) {
          if (!weight.getValue().isNumber()) {
            throw new IllegalArgumentException(
                "weights." + weight.getKey() + ": expected a number (percent)");
          }
          weights.put(weight.getKey(), weight.getValue().decimalValue());
        }
      }
      return FlagAssembler.assemble(
          key,
          node,
          variants,
          defaultVariant == null ? null : defaultVariant.textValue(),
          weights,
          flagVersion);
    } catch (IllegalArgumentException e) {
      return FlagDefinition.broken(key, node, "flag '" + key + "': " + e.getMessage());
    }
  }

  /** AppConfig attributes hold strings, so objects travel as JSON text; a plain object is kept. */
  private static JsonNode embeddedJson(String key, JsonNode node, String attribute) {
    JsonNode value = node.get(attribute);
    if (value == null || !value.isTextual()) {
      return value;
    }
    try {
      return JSON.readTree(value.textValue());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          attribute + ": expected JSON text (" + e.getOriginalMessage() + ")");
    }
  }

  private static Map<String, FlagDefinition> readFlagd(JsonNode root, String flagVersion)
      throws MalformedConfigurationException {
    JsonNode flagsNode = root.get("flags");
    if (flagsNode == null || !flagsNode.isObject()) {
      throw new MalformedConfigurationException(
          "configuration: flags: expected an object of flag definitions (flagd format)");
    }
    Map<String, FlagDefinition> flags = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : flagsNode.properties()) {
      flags.put(
          entry.getKey(), FlagdFlagReader.read(entry.getKey(), entry.getValue(), flagVersion));
    }
    return flags;
  }
}
