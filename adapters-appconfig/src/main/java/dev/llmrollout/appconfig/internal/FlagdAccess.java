package dev.llmrollout.appconfig.internal;

import static dev.llmrollout.appconfig.internal.ConfigurationReader.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A flagd document: the split is the flag's {@code targeting.fractional} with integer weights, the
 * kill memory and the rollout record (a string, as flagd metadata values are) sit in the flag's
 * {@code metadata}.
 */
final class FlagdAccess implements FlagAccess {

  @Override
  public FlagParts read(ObjectNode root, String flagKey) {
    JsonNode flag = root.path("flags").path(flagKey);
    JsonNode variants = flag.path("variants");
    if (!variants.isObject() || variants.isEmpty()) {
      throw new IllegalArgumentException("variants: expected an object of named payloads");
    }
    List<String> names = new ArrayList<>();
    variants.fieldNames().forEachRemaining(names::add);
    JsonNode metadata = flag.path("metadata");
    return new FlagParts(
        "ENABLED".equals(flag.path("state").asText()),
        names,
        flag.path("defaultVariant").asText(names.get(0)),
        FlagdFlagReader.fractional(flag.get("targeting")),
        Optional.ofNullable(metadata.get(StoredDocument.KILLED_TO)).map(JsonNode::asText),
        Optional.ofNullable(metadata.get(StoredDocument.KILLED_FROM)).map(JsonNode::asInt));
  }

  @Override
  public void writeSplit(
      ObjectNode root,
      String flagKey,
      Map<String, BigDecimal> weights,
      Optional<String> newDefault) {
    List<Integer> whole = IntegerWeights.scale(List.copyOf(weights.values()));
    ArrayNode fractional = JSON.createArrayNode();
    int i = 0;
    for (String variant : weights.keySet()) {
      fractional.addArray().add(variant).add(whole.get(i++));
    }
    ObjectNode flag = (ObjectNode) root.get("flags").get(flagKey);
    flag.putObject("targeting").set("fractional", fractional);
    newDefault.ifPresent(variant -> flag.put("defaultVariant", variant));
  }

  @Override
  public void writeKill(
      ObjectNode root, String flagKey, Optional<String> killedTo, Optional<Integer> killedFrom) {
    ObjectNode flag = (ObjectNode) root.get("flags").get(flagKey);
    if (killedTo.isPresent() && killedFrom.isPresent()) {
      ObjectNode metadata = flag.withObjectProperty("metadata");
      metadata.put(StoredDocument.KILLED_TO, killedTo.get());
      metadata.put(StoredDocument.KILLED_FROM, killedFrom.get());
    } else if (flag.get("metadata") instanceof ObjectNode metadata) {
      metadata.remove(StoredDocument.KILLED_TO);
      metadata.remove(StoredDocument.KILLED_FROM);
      if (metadata.isEmpty()) {
        flag.remove("metadata");
      }
    }
  }

  @Override
  public Optional<String> readRecord(ObjectNode root, String flagKey) {
    JsonNode record = root.path("flags").path(flagKey).path("metadata").get(RolloutRecords.NAME);
    return record != null && record.isTextual()
        ? Optional.of(record.textValue())
        : Optional.empty();
  }

  @Override
  public void writeRecord(ObjectNode root, String flagKey, Optional<String> recordJson) {
    ObjectNode flag = (ObjectNode) root.get("flags").get(flagKey);
    if (recordJson.isPresent()) {
      flag.withObjectProperty("metadata").put(RolloutRecords.NAME, recordJson.get());
    } else if (flag.get("metadata") instanceof ObjectNode metadata) {
      metadata.remove(RolloutRecords.NAME);
      if (metadata.isEmpty()) {
        flag.remove("metadata");
      }
    }
  }

  @Override
  public void copyFlag(ObjectNode from, ObjectNode to, String flagKey) {
    ((ObjectNode) to.get("flags")).set(flagKey, from.path("flags").path(flagKey).deepCopy());
  }
}
