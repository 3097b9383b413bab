package dev.llmrollout.unleash.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.llmrollout.spi.VariantPayload;
import dev.llmrollout.variant.InvalidVariantException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one feature of Unleash's {@code /api/client/features} answer into a {@link CatalogFlag},
 * parsing every variant payload once. A variant whose payload is not valid makes the whole flag
 * broken, so that it is never half served.
 */
final class FlagReader {
  /** The strategy parameter naming the variant served without a targeting key. */
  static final String DEFAULT_VARIANT_PARAMETER = "defaultVariant";

  private static final ObjectMapper JSON = new ObjectMapper();

  private FlagReader() {}

  static CatalogFlag read(JsonNode feature) {
    String key = feature.path("name").asText();
    boolean enabled = feature.path("enabled").asBoolean(false);
    String version = digest(feature);
    Map<CatalogFlag.VariantKey, VariantPayload> variants = new LinkedHashMap<>();
    String defaultName = null;
    boolean split = false;
    try {
      for (JsonNode strategy : feature.path("strategies")) {
        JsonNode strategyVariants = strategy.path("variants");
        if (defaultName == null && strategyVariants.size() > 0) {
          defaultName = defaultVariantName(strategy);
          split = strategyVariants.size() > 1;
        }
        for (JsonNode variant : strategyVariants) {
          add(key, variant, version, variants);
        }
      }
      // Legacy feature-environment variants apply when no strategy carries variants.
      for (JsonNode variant : feature.path("variants")) {
        if (defaultName == null) {
          defaultName = variant.path("name").asText();
          split = feature.path("variants").size() > 1;
        }
        add(key, variant, version, variants);
      }
    } catch (InvalidVariantException e) {
      return CatalogFlag.broken(key, enabled, version, feature, e.getMessage());
    }
    VariantPayload whenOn = parsed(key, "on", BooleanNode.TRUE, version);
    VariantPayload defaultVariant = null;
    if (defaultName != null) {
      String wanted = defaultName;
      defaultVariant =
          variants.values().stream().filter(v -> v.name().equals(wanted)).findFirst().orElse(null);
    }
    return new CatalogFlag(
        key, enabled, version, feature, variants, defaultVariant, split, whenOn, null);
  }

  /**
   * The strategy's {@code defaultVariant} parameter when it names one of its variants, else its
   * first variable-weight variant (the one that takes the rest of the traffic: the baseline).
   */
  private static String defaultVariantName(JsonNode strategy) {
    String named = strategy.path("parameters").path(DEFAULT_VARIANT_PARAMETER).asText("");
    String firstVariable = null;
    for (JsonNode variant : strategy.path("variants")) {
      String name = variant.path("name").asText();
      if (name.equals(named)) {
        return name;
      }
      if (firstVariable == null && "variable".equals(variant.path("weightType").asText())) {
        firstVariable = name;
      }
    }
    return firstVariable != null
        ? firstVariable
        : strategy.path("variants").path(0).path("name").asText();
  }

  private static void add(
      String key,
      JsonNode variant,
      String version,
      Map<CatalogFlag.VariantKey, VariantPayload> into)
      throws InvalidVariantException {
    String name = variant.path("name").asText();
    JsonNode payload = variant.path("payload");
    String text = payload.path("value").isTextual() ? payload.path("value").textValue() : null;
    CatalogFlag.VariantKey lookup = CatalogFlag.variantKey(name, text);
    if (into.containsKey(lookup)) {
      return;
    }
    JsonNode value = text == null ? TextNode.valueOf(name) : payloadValue(key, name, payload, text);
    into.put(lookup, VariantPayload.parse(key, name, value, version));
  }

  private static JsonNode payloadValue(String key, String name, JsonNode payload, String text)
      throws InvalidVariantException {
    String type = payload.path("type").asText("string");
    switch (type) {
      case "json":
        try {
          return JSON.readTree(text);
        } catch (JsonProcessingException e) {
          throw new InvalidVariantException(
              key, name, "$.payload.value", "JSON (payload type json), found: " + abbreviate(text));
        }
      case "number":
        try {
          return DecimalNode.valueOf(new BigDecimal(text.trim()));
        } catch (NumberFormatException e) {
          throw new InvalidVariantException(
              key, name, "$.payload.value", "a number (payload type number), found: " + text);
        }
      default:
        return TextNode.valueOf(text);
    }
  }

  private static VariantPayload parsed(String key, String name, JsonNode value, String version) {
    try {
      return VariantPayload.parse(key, name, value, version);
    } catch (InvalidVariantException e) {
      throw new IllegalStateException("a boolean payload is always valid", e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }

  static String digest(JsonNode node) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] hash = sha.digest(node.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
