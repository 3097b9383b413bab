package dev.llmrollout.appconfig.internal;

import static dev.llmrollout.appconfig.internal.ConfigurationReader.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stored {@code AWS.AppConfig.FeatureFlags} document: {@code flags.<key>.attributes} declares
 * each attribute's constraints, {@code values.<key>} holds the values. Attributes the adapter adds
 * ({@code weights}, {@code defaultVariant}, {@code killedTo}, {@code killedFrom}, {@code
 * rolloutRecord}) are declared as it adds them, since AppConfig rejects values without a
 * declaration. The rollout record is an array attribute of strings: the schema's {@code
 * attributeValue} caps each string at 1024 characters, so the record is stored in pieces of at most
 * that many, in order.
 */
final class FeatureFlagsAccess implements FlagAccess {

  @Override
  public FlagParts read(ObjectNode root, String flagKey) {
    JsonNode values = root.path("values").path(flagKey);
    if (!values.isObject()) {
      throw new IllegalArgumentException("values." + flagKey + ": expected an object");
    }
    JsonNode variants = json(values, "variants");
    if (variants == null || !variants.isObject() || variants.isEmpty()) {
      throw new IllegalArgumentException("variants: expected a JSON object of named payloads");
    }
    List<String> names = new ArrayList<>();
    variants.fieldNames().forEachRemaining(names::add);
    Map<String, BigDecimal> weights = new LinkedHashMap<>();
    JsonNode weightsNode = json(values, "weights");
    if (weightsNode != null) {
      weightsNode.properties().forEach(e -> weights.put(e.getKey(), e.getValue().decimalValue()));
    }
    JsonNode killedFrom = values.get(StoredDocument.KILLED_FROM);
    return new FlagParts(
        values.path("enabled").asBoolean(false),
        names,
        values.path("defaultVariant").asText(names.get(0)),
        weights,
        Optional.ofNullable(values.get(StoredDocument.KILLED_TO)).map(JsonNode::asText),
        Optional.ofNullable(killedFrom).map(JsonNode::asInt));
  }

  @Override
  public void writeSplit(
      ObjectNode root,
      String flagKey,
      Map<String, BigDecimal> weights,
      Optional<String> newDefault) {
    ObjectNode split = JSON.createObjectNode();
    weights.forEach((variant, weight) -> split.set(variant, FlagAccess.number(weight)));
    setAttribute(
        root, flagKey, "weights", "string", JSON.getNodeFactory().textNode(split.toString()));
    newDefault.ifPresent(
        variant ->
            setAttribute(
                root,
                flagKey,
                "defaultVariant",
                "string",
                JSON.getNodeFactory().textNode(variant)));
  }

  @Override
  public void writeKill(
      ObjectNode root, String flagKey, Optional<String> killedTo, Optional<Integer> killedFrom) {
    if (killedTo.isPresent() && killedFrom.isPresent()) {
      setAttribute(
          root,
          flagKey,
          StoredDocument.KILLED_TO,
          "string",
          JSON.getNodeFactory().textNode(killedTo.get()));
      setAttribute(
          root,
          flagKey,
          StoredDocument.KILLED_FROM,
          "number",
          JSON.getNodeFactory().numberNode(killedFrom.get()));
    } else {
      removeAttribute(root, flagKey, StoredDocument.KILLED_TO);
      removeAttribute(root, flagKey, StoredDocument.KILLED_FROM);
    }
  }

  @Override
  public Optional<String> readRecord(ObjectNode root, String flagKey) {
    JsonNode pieces = root.path("values").path(flagKey).get(RolloutRecords.NAME);
    if (pieces == null) {
      return Optional.empty();
    }
    if (!pieces.isArray()) {
      throw new IllegalArgumentException(RolloutRecords.NAME + ": expected an array of strings");
    }
    StringBuilder record = new StringBuilder();
    for (JsonNode piece : pieces) {
      if (!piece.isTextual()) {
        throw new IllegalArgumentException(RolloutRecords.NAME + ": expected an array of strings");
      }
      record.append(piece.textValue());
    }
    return Optional.of(record.toString());
  }

  @Override
  public void writeRecord(ObjectNode root, String flagKey, Optional<String> recordJson) {
    if (recordJson.isEmpty()) {
      removeAttribute(root, flagKey, RolloutRecords.NAME);
      return;
    }
    ArrayNode pieces = JSON.createArrayNode();
    RolloutRecords.pieces(recordJson.get()).forEach(pieces::add);
    ObjectNode attributes =
        ((ObjectNode) root.get("flags").get(flagKey)).withObjectProperty("attributes");
    if (!attributes.has(RolloutRecords.NAME)) {
      attributes
          .putObject(RolloutRecords.NAME)
          .putObject("constraints")
          .put("type", "array")
          .putObject("elements")
          .put("type", "string");
    }
    ((ObjectNode) root.get("values").get(flagKey)).set(RolloutRecords.NAME, pieces);
  }

  @Override
  public void copyFlag(ObjectNode from, ObjectNode to, String flagKey) {
    ((ObjectNode) to.get("flags")).set(flagKey, from.path("flags").path(flagKey).deepCopy());
    ((ObjectNode) to.get("values")).set(flagKey, from.path("values").path(flagKey).deepCopy());
  }

  private static void setAttribute(
      ObjectNode root, String flagKey, String attribute, String type, JsonNode value) {
    ObjectNode definition = (ObjectNode) root.get("flags").get(flagKey);
    ObjectNode attributes = definition.withObjectProperty("attributes");
    if (!attributes.has(attribute)) {
      attributes.putObject(attribute).putObject("constraints").put("type", type);
    }
    ((ObjectNode) root.get("values").get(flagKey)).set(attribute, value);
  }

  private static void removeAttribute(ObjectNode root, String flagKey, String attribute) {
    JsonNode attributes = root.path("flags").path(flagKey).path("attributes");
    if (attributes instanceof ObjectNode declared) {
      declared.remove(attribute);
    }
    ((ObjectNode) root.get("values").get(flagKey)).remove(attribute);
  }

  private static JsonNode json(JsonNode values, String attribute) {
    JsonNode value = values.get(attribute);
    if (value == null || !value.isTextual()) {
      return value;
    }
    try {
      return JSON.readTree(value.textValue());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(attribute + ": expected JSON text", e);
    }
  }
}
