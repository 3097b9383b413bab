package dev.llmrollout.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openfeature.sdk.MutableStructure;
import dev.openfeature.sdk.Value;
import java.util.ArrayList;
import java.util.List;

/** Converts Jackson trees to OpenFeature values, once per configuration change. */
public final class JsonValues {
  private JsonValues() {}

  public static Value toValue(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return new Value();
    }
    if (node.isBoolean()) {
      return new Value(node.booleanValue());
    }
    if (node.isIntegralNumber() && node.canConvertToInt()) {
      return new Value(node.intValue());
    }
    if (node.isNumber()) {
      return new Value(node.doubleValue());
    }
    if (node.isTextual()) {
      return new Value(node.textValue());
    }
    if (node.isArray()) {
      List<Value> list = new ArrayList<>(node.size());
      node.forEach(element -> list.add(toValue(element)));
      return new Value(list);
    }
    MutableStructure structure = new MutableStructure();
    node.properties().forEach(e -> structure.add(e.getKey(), toValue(e.getValue())));
    return new Value(structure);
  }
}
