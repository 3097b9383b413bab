package dev.llmrollout.unleash.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flexibleRollout strategy the write-back manages: the first enabled one with variants in the
 * flag's environment, as the Admin API returns it. It reads the flag's state and builds the bodies
 * of the writes. Weights are out of 1000 in Unleash: the baseline (default) variant is written as
 * {@code variable}, so Unleash gives it the rest, and every other variant as {@code fix}, because
 * Unleash needs at least one variable variant and splits variable ones equally whatever weight is
 * sent. A kill remembers the variants it replaced in a strategy parameter, so the memory lives in
 * Unleash and survives restarts of the writer; the rollout record lives in another ({@link
 * RolloutRecordParameter}), kept by every write.
 */
public final class ManagedStrategy {
  static final String KILLED_TO = "llmRolloutKilledTo";
  static final String RESTORE = "llmRolloutRestore";
  static final String ENVIRONMENT_TURNED_OFF = "llmRolloutKillTurnedEnvironmentOff";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PATCHED_FIELDS =
      List.of("title", "parameters", "variants", "constraints", "segments");

  private final String flagKey;
  private final boolean environmentEnabled;
  private final ObjectNode strategy;
  private final String version;

  private ManagedStrategy(String flagKey, boolean environmentEnabled, ObjectNode strategy) {
    this.flagKey = flagKey;
    this.environmentEnabled = environmentEnabled;
    this.strategy = strategy;
    this.version =
        FlagReader.digest(JSON.createArrayNode().add(environmentEnabled).add(versioned(strategy)));
  }

  /**
   * What the version covers, in one canonical form (fixed fields, keys sorted, absent lists empty),
   * so that a strategy read from the feature and the same strategy recorded in an event get the
   * same version.
   */
  private static JsonNode versioned(JsonNode strategy) {
    ObjectNode fields = JSON.createObjectNode();
    fields.set("name", strategy.path("name"));
    fields.set(
        "title", strategy.path("title").isTextual() ? strategy.get("title") : JSON.nullNode());
    fields.set("parameters", sorted(strategy.path("parameters")));
    fields.set("variants", sorted(strategy.path("variants")));
    fields.set("constraints", sorted(listOrEmpty(strategy.path("constraints"))));
    fields.set("segments", sorted(listOrEmpty(strategy.path("segments"))));
    fields.put("disabled", strategy.path("disabled").asBoolean(false));
    return fields;
  }

  private static JsonNode listOrEmpty(JsonNode node) {
    return node.isArray() ? node : JSON.createArrayNode();
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      names.forEach(name -> copy.set(name, sorted(node.get(name))));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(item -> copy.add(sorted(item)));
      return copy;
    }
    return node.isMissingNode() ? JSON.nullNode() : node;
  }

  /** Finds the managed strategy in a feature as {@code GET .../features/{flag}} returns it. */
  public static ManagedStrategy of(String flagKey, String environment, JsonNode feature) {
    for (JsonNode env : feature.path("environments")) {
      if (!environment.equals(env.path("name").asText())) {
        continue;
      }
      for (JsonNode strategy : env.path("strategies")) {
        if ("flexibleRollout".equals(strategy.path("name").asText())
            && !strategy.path("disabled").asBoolean(false)
            && strategy.path("variants").size() > 0) {
          return new ManagedStrategy(
              flagKey, env.path("enabled").asBoolean(false), strategy.deepCopy());
        }
      }
      throw new WriteBackException(
          Kind.NOT_FOUND,
          flagKey,
          "flag '"
              + flagKey
              + "': environment '"
              + environment
              + "' has no enabled flexibleRollout strategy with variants to manage");
    }
    throw new WriteBackException(
        Kind.NOT_FOUND,
        flagKey,
        "flag '" + flagKey + "': has no environment '" + environment + "'");
  }

  /** The managed strategy of a strategy JSON as the event log records it. */
  static ManagedStrategy from(String flagKey, boolean environmentEnabled, JsonNode strategy) {
    return new ManagedStrategy(flagKey, environmentEnabled, strategy.deepCopy());
  }

  public String id() {
    return strategy.path("id").asText();
  }

  public String version() {
    return version;
  }

  /** The strategy's title (a text node, or missing), as the last write left it. */
  public JsonNode title() {
    return strategy.path("title");
  }

  public boolean environmentEnabled() {
    return environmentEnabled;
  }

  public Optional<String> killedTo() {
    String safe = strategy.path("parameters").path(KILLED_TO).asText("");
    return safe.isEmpty() ? Optional.empty() : Optional.of(safe);
  }

  /** Whether the kill in effect also turned the environment off. */
  public boolean killTurnedEnvironmentOff() {
    return "true".equals(strategy.path("parameters").path(ENVIRONMENT_TURNED_OFF).asText());
  }

  /** The flag's state: the baseline first, then the other variants in Unleash's order. */
  public FlagState state() {
    String baseline = baseline(strategy.path("variants"));
    List<String> names = new ArrayList<>();
    names.add(baseline);
    for (JsonNode variant : strategy.path("variants")) {
      String name = variant.path("name").asText();
      if (!name.equals(baseline)) {
        names.add(name);
      }
    }
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String name : names) {
      weights.put(name, weightOf(strategy.path("variants"), name) / 10.0);
    }
    return new FlagState(
        flagKey,
        environmentEnabled,
        names,
        baseline,
        weights,
        killedTo(),
        version,
        rolloutRecord());
  }

  /** The rollout record kept in the strategy's {@value RolloutRecordParameter#NAME} parameter. */
  public Optional<String> rolloutRecord() {
    JsonNode record = strategy.path("parameters").path(RolloutRecordParameter.NAME);
    return record.isTextual() ? Optional.of(record.textValue()) : Optional.empty();
  }

  /** A body that stores {@code recordJson} (removes the record when null), all else kept. */
  public ObjectNode withRolloutRecord(String recordJson, String title) {
    ObjectNode body = copyForWrite(title);
    if (recordJson == null) {
      parameters(body).remove(RolloutRecordParameter.NAME);
    } else {
      parameters(body).put(RolloutRecordParameter.NAME, recordJson);
    }
    return body;
  }

  /** The weights out of 1000 per variant, as Unleash stores them. */
  public Map<String, Integer> perMille() {
    return weights(strategy);
  }

  /** The weights out of 1000 per variant of a strategy body. */
  public static Map<String, Integer> weights(JsonNode strategyOrBody) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    strategyOrBody
        .path("variants")
        .forEach(v -> weights.put(v.path("name").asText(), v.path("weight").asInt()));
    return weights;
  }

  /** A body that sets the split, in percent, and clears any kill memory. */
  public ObjectNode withWeights(Map<String, Double> percent, String title) {
    Map<String, Integer> perMille = new LinkedHashMap<>();
    for (JsonNode variant : strategy.path("variants")) {
      String name = variant.path("name").asText();
      perMille.put(name, perMille(name, percent.getOrDefault(name, 0.0)));
    }
    ObjectNode body = body(title, perMille, baseline(strategy.path("variants")));
    parameters(body).remove(List.of(KILLED_TO, RESTORE, ENVIRONMENT_TURNED_OFF));
    return body;
  }

  /** A body that gives {@code safe} all the traffic and remembers the variants it replaces. */
  public ObjectNode killedTo(String safe, String title, boolean turnEnvironmentOff) {
    Map<String, Integer> perMille = new LinkedHashMap<>();
    strategy.path("variants").forEach(v -> perMille.put(v.path("name").asText(), 0));
    perMille.put(safe, 1000);
    ObjectNode body = body(title, perMille, safe);
    ObjectNode parameters = parameters(body);
    parameters.put(KILLED_TO, safe);
    parameters.put(RESTORE, strategy.path("variants").toString());
    if (turnEnvironmentOff && environmentEnabled) {
      parameters.put(ENVIRONMENT_TURNED_OFF, "true");
    }
    return body;
  }

  /** A body that puts back the variants the kill replaced. */
  public ObjectNode restored(String title) {
    JsonNode before;
    try {
      before = JSON.readTree(strategy.path("parameters").path(RESTORE).asText("[]"));
    } catch (JsonProcessingException e) {
      throw new WriteBackException(
          Kind.INVALID_REQUEST,
          flagKey,
          "flag '" + flagKey + "': parameter " + RESTORE + " is not the JSON the kill wrote");
    }
    ObjectNode body = copyForWrite(title);
    body.set("variants", before);
    parameters(body).remove(List.of(KILLED_TO, RESTORE, ENVIRONMENT_TURNED_OFF));
    return body;
  }

  private ObjectNode body(String title, Map<String, Integer> perMille, String variable) {
    ObjectNode body = copyForWrite(title);
    ArrayNode variants = JSON.createArrayNode();
    for (JsonNode variant : strategy.path("variants")) {
      ObjectNode copy = variant.deepCopy();
      String name = variant.path("name").asText();
      copy.put("weight", perMille.get(name));
      copy.put("weightType", name.equals(variable) ? "variable" : "fix");
      variants.add(copy);
    }
    body.set("variants", variants);
    return body;
  }

  /**
   * A JSON Patch from this strategy to {@code body}: {@code test}s of every field a write or an
   * operator may change, as read, then {@code replace}s of the fields that differ. Unleash applies
   * it to the strategy it holds, so a change since the read fails the patch; only a change landing
   * inside Unleash's own read-then-write of the strategy is not seen.
   */
  public ArrayNode patchTo(ObjectNode body) {
    ArrayNode patch = JSON.createArrayNode();
    for (String field : PATCHED_FIELDS) {
      if (strategy.has(field)) {
        patch
            .addObject()
            .put("op", "test")
            .put("path", "/" + field)
            .set("value", strategy.get(field));
      }
    }
    for (String field : PATCHED_FIELDS) {
      if (body.has(field) && !body.get(field).equals(strategy.get(field))) {
        patch
            .addObject()
            .put("op", strategy.has(field) ? "replace" : "add")
            .put("path", "/" + field)
            .set("value", body.get(field));
      }
    }
    return patch;
  }

  private ObjectNode copyForWrite(String title) {
    ObjectNode body = strategy.deepCopy();
    body.remove("id");
    body.put("title", title);
    return body;
  }

  private static ObjectNode parameters(ObjectNode body) {
    return body.withObjectProperty("parameters");
  }

  private int perMille(String variant, double percent) {
    double tenths = percent * 10;
    long rounded = Math.round(tenths);
    if (Math.abs(tenths - rounded) > 1e-6) {
      throw new WriteBackException(
          Kind.INVALID_REQUEST,
          flagKey,
          "flag '"
              + flagKey
              + "': weight of '"
              + variant
              + "' is "
              + percent
              + "%, expected a multiple of 0.1% (Unleash weights are out of 1000)");
    }
    return (int) rounded;
  }

  /** The strategy's defaultVariant parameter, else its first variable variant, else its first. */
  private String baseline(JsonNode variants) {
    String named =
        strategy.path("parameters").path(FlagReader.DEFAULT_VARIANT_PARAMETER).asText("");
    String firstVariable = null;
    for (JsonNode variant : variants) {
      String name = variant.path("name").asText();
      if (name.equals(named)) {
        return name;
      }
      if (firstVariable == null && "variable".equals(variant.path("weightType").asText())) {
        firstVariable = name;
      }
    }
    return firstVariable != null ? firstVariable : variants.path(0).path("name").asText();
  }

  private static int weightOf(JsonNode variants, String name) {
    for (JsonNode variant : variants) {
      if (name.equals(variant.path("name").asText())) {
        return variant.path("weight").asInt();
      }
    }
    return 0;
  }
}
