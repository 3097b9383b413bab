package dev.llmrollout.appconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.contract.FlagSpec;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;

/** Writes flags as a user would store them in AppConfig: a FeatureFlags document or flagd JSON. */
final class FlagDocuments {
  static final ObjectMapper JSON = new ObjectMapper();

  private FlagDocuments() {}

  static byte[] render(DocumentFormat format, Collection<FlagSpec> flags) throws Exception {
    return JSON.writeValueAsBytes(
        format == DocumentFormat.FLAGD ? flagd(flags) : featureFlags(flags));
  }

  /** The stored {@code AWS.AppConfig.FeatureFlags} form: definitions and values. */
  static ObjectNode featureFlags(Collection<FlagSpec> flags) {
    ObjectNode root = JSON.createObjectNode().put("version", "1");
    ObjectNode definitions = root.putObject("flags");
    ObjectNode values = root.putObject("values");
    for (FlagSpec flag : flags) {
      ObjectNode attributes =
          definitions.putObject(flag.key()).put("name", flag.key()).putObject("attributes");
      attributes
          .putObject("variants")
          .putObject("constraints")
          .put("type", "string")
          .put("required", true);
      attributes.putObject("weights").putObject("constraints").put("type", "string");
      attributes.putObject("defaultVariant").putObject("constraints").put("type", "string");
      ObjectNode weights = JSON.createObjectNode();
      flag.weights().forEach((variant, weight) -> weights.set(variant, number(weight)));
      values
          .putObject(flag.key())
          .put("enabled", true)
          .put("variants", variants(flag.variants()).toString())
          .put("weights", weights.toString())
          .put("defaultVariant", flag.defaultVariant());
    }
    return root;
  }

  /** The flagd form the local backend reads, with a fractional split. */
  static ObjectNode flagd(Collection<FlagSpec> flags) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode definitions = root.putObject("flags");
    for (FlagSpec flag : flags) {
      ObjectNode definition =
          definitions
              .putObject(flag.key())
              .put("state", "ENABLED")
              .put("defaultVariant", flag.defaultVariant());
      definition.set("variants", variants(flag.variants()));
      ArrayNode fractional = definition.putObject("targeting").putArray("fractional");
      flag.weights()
          .forEach((variant, weight) -> fractional.addArray().add(variant).add(number(weight)));
    }
    return root;
  }

  private static ObjectNode variants(Map<String, JsonNode> variants) {
    ObjectNode node = JSON.createObjectNode();
    variants.forEach(node::set);
    return node;
  }

  private static JsonNode number(double weight) {
    BigDecimal plain = BigDecimal.valueOf(weight).stripTrailingZeros();
    return plain.scale() <= 0
        ? JSON.getNodeFactory().numberNode(plain.intValueExact())
        : JSON.getNodeFactory().numberNode(plain);
  }
}
