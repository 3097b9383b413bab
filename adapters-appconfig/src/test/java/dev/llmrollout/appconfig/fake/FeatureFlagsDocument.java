package dev.llmrollout.appconfig.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code AWS.AppConfig.FeatureFlags} rules the fake enforces when a hosted version is created
 * (AppConfig's validation answers 400 with the feature-flags helper's message and details), and the
 * flattening to the retrieval form that GetLatestConfiguration returns.
 */
final class FeatureFlagsDocument {
  static final String TYPE = "AWS.AppConfig.FeatureFlags";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern KEY = Pattern.compile("^[a-z][a-zA-Z\\d_-]{0,63}$");
  private static final int MAX_ATTRIBUTES = 25;

  private FeatureFlagsDocument() {}

  /** Rejects stored content that AppConfig would reject. */
  static void validate(byte[] content) {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (IOException e) {
      throw malformed("$", "content is not JSON");
    }
    if (root == null || !"1".equals(root.path("version").asText(null))) {
      throw malformed("/version", "version must be \"1\"");
    }
    JsonNode flags = root.path("flags");
    JsonNode values = root.path("values");
    if (!flags.isObject() || !values.isObject()) {
      throw malformed("/", "flags and values must be objects");
    }
    for (Map.Entry<String, JsonNode> flag : flags.properties()) {
      checkKey("/flags/" + flag.getKey(), flag.getKey());
      JsonNode attributes = flag.getValue().path("attributes");
      if (attributes.size() > MAX_ATTRIBUTES) {
        throw malformed("/flags/" + flag.getKey() + "/attributes", "at most 25 attributes");
      }
      attributes.fieldNames().forEachRemaining(a -> checkKey("/flags/" + flag.getKey(), a));
    }
    for (Map.Entry<String, JsonNode> value : values.properties()) {
      String key = value.getKey();
      String where = "/values/" + key;
      if (!flags.has(key)) {
        throw malformed(where, "value for undeclared flag");
      }
      if (!value.getValue().path("enabled").isBoolean()) {
        throw malformed(where + "/enabled", "enabled must be a boolean");
      }
      JsonNode declared = flags.get(key).path("attributes");
      for (Map.Entry<String, JsonNode> attribute : value.getValue().properties()) {
        if (attribute.getKey().equals("enabled") || attribute.getKey().equals("_variants")) {
          continue;
        }
        JsonNode constraints = declared.path(attribute.getKey()).path("constraints");
        if (!declared.has(attribute.getKey())) {
          throw malformed(where + "/" + attribute.getKey(), "attribute is not declared");
        }
        checkType(where + "/" + attribute.getKey(), constraints, attribute.getValue());
      }
      for (Map.Entry<String, JsonNode> attribute : declared.properties()) {
        boolean required = attribute.getValue().path("constraints").path("required").asBoolean();
        if (required
            && value.getValue().get("enabled").booleanValue()
            && !value.getValue().has(attribute.getKey())) {
          throw malformed(where + "/" + attribute.getKey(), "required attribute is missing");
        }
      }
    }
  }

  /** The retrieval form: flag key to its values, a disabled flag reduced to enabled=false. */
  static byte[] flatten(byte[] content) {
    try {
      JsonNode root = JSON.readTree(content);
      ObjectNode out = JSON.createObjectNode();
      for (Map.Entry<String, JsonNode> flag : root.path("flags").properties()) {
        JsonNode value = root.path("values").path(flag.getKey());
        if (!value.path("enabled").asBoolean(false)) {
          out.putObject(flag.getKey()).put("enabled", false);
          continue;
        }
        ObjectNode flat = out.putObject(flag.getKey());
        value
            .properties()
            .forEach(
                e -> {
                  if (!e.getKey().equals("_variants")) {
                    flat.set(e.getKey(), e.getValue());
                  }
                });
      }
      return JSON.writeValueAsBytes(out);
    } catch (IOException e) {
      throw new IllegalStateException("validated content is JSON", e);
    }
  }

  private static void checkType(String where, JsonNode constraints, JsonNode value) {
    String type = constraints.path("type").asText("");
    boolean ok =
        switch (type) {
          case "string" -> value.isTextual();
          case "number" -> value.isNumber();
          case "boolean" -> value.isBoolean();
          case "array" -> value.isArray() && sameElements(constraints.path("elements"), value);
          default -> false;
        };
    if (!ok) {
      throw malformed(where, "value does not match constraint type '" + type + "'");
    }
    checkLength(where, value);
    for (int i = 0; i < value.size(); i++) {
      checkLength(where + "/" + i, value.get(i));
    }
  }

  /**
   * The schema's {@code attributeValue}: an array is all strings or all numbers, as its {@code
   * elements} constraint (when given) says.
   */
  private static boolean sameElements(JsonNode elements, JsonNode array) {
    String type = elements.path("type").asText("");
    boolean strings = true;
    boolean numbers = true;
    for (JsonNode item : array) {
      strings &= item.isTextual();
      numbers &= item.isNumber();
    }
    return switch (type) {
      case "string" -> strings;
      case "number" -> numbers;
      default -> strings || numbers;
    };
  }

  /** The schema's {@code attributeValue}: strings, alone or in arrays, of at most 1024 chars. */
  private static void checkLength(String where, JsonNode value) {
    if (value.isTextual()
        && value.textValue().codePointCount(0, value.textValue().length()) > 1024) {
      throw malformed(where, "string longer than 1024 characters (attributeValue maxLength)");
    }
  }

  private static void checkKey(String where, String key) {
    if (!KEY.matcher(key).matches()) {
      throw malformed(where, "key '" + key + "' must match " + KEY.pattern());
    }
  }

  private static AwsError malformed(String location, String reason) {
    AwsError error =
        AwsError.badRequest(
            "Error invoking extension AppConfig Feature Flags Helper: Malformed 'Content'"
                + " provided");
    error.body.put("Reason", "InvalidConfiguration");
    ArrayNode details = error.body.putObject("Details").putArray("InvalidConfiguration");
    details
        .addObject()
        .put("Constraint", "schema")
        .put("Location", location)
        .put("Reason", reason)
        .put("Type", "Validation");
    return error;
  }
}
