package dev.llmrollout.local.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.internal.JsonValues;
import dev.llmrollout.local.conformance.GherkinScenarios.Step;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * flagd-testbed's evaluator steps, for one scenario, run through an OpenFeature client: the steps
 * build a flag request and a context, evaluate with details, then check value, reason, error code
 * and flag metadata. A step it does not know fails the scenario.
 */
public final class EvaluatorSteps {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUOTED = "\"((?:[^\"\\\\]|\\\\.)*)\"";

  private final Client client;
  private final Map<Pattern, BiConsumer<Matcher, Step>> steps = new LinkedHashMap<>();
  private final Map<String, Value> attributes = new LinkedHashMap<>();
  private String flagType;
  private String flagKey;
  private Object fallback;
  private String targetingKey;
  private FlagEvaluationDetails<?> details;

  public EvaluatorSteps(Client client) {
    this.client = client;
    on("an evaluator", (m, s) -> {});
    on(
        "a (Boolean|String|Integer|Float|Object)-flag with key "
            + QUOTED
            + " and a fallback value "
            + QUOTED,
        (m, s) -> {
          flagType = m.group(1);
          flagKey = unquote(m.group(2));
          fallback = typed(flagType, unquote(m.group(3)));
        });
    on(
        "a context containing a key "
            + QUOTED
            + ", with type "
            + QUOTED
            + " and with value "
            + QUOTED,
        (m, s) ->
            attributes.put(
                unquote(m.group(1)), contextValue(unquote(m.group(2)), unquote(m.group(3)))));
    on(
        "a context containing a nested property with outer key "
            + QUOTED
            + " and inner key "
            + QUOTED
            + ", with value "
            + QUOTED,
        (m, s) ->
            attributes.put(
                unquote(m.group(1)),
                new Value(
                    new ImmutableStructure(
                        Map.of(unquote(m.group(2)), new Value(unquote(m.group(3))))))));
    on(
        "a context containing a targeting key with value " + QUOTED,
        (m, s) -> targetingKey = unquote(m.group(1)));
    on("the flag was evaluated with details", (m, s) -> evaluate());
    on(
        "the resolved details value should be " + QUOTED,
        (m, s) -> assertValue(unquote(m.group(1))));
    on(
        "the reason should be " + QUOTED,
        (m, s) -> assertThat(details.getReason()).as(describe()).isEqualTo(unquote(m.group(1))));
    on(
        "the error-code should be " + QUOTED,
        (m, s) -> {
          String code = unquote(m.group(1));
          assertThat(details.getErrorCode())
              .as(describe())
              .isEqualTo(code.isEmpty() ? null : ErrorCode.valueOf(code));
        });
    on("the resolved metadata should contain", (m, s) -> assertMetadata(s.table()));
    on(
        "the resolved metadata is empty",
        (m, s) ->
            assertThat(details.getFlagMetadata().asUnmodifiableMap()).as(describe()).isEmpty());
  }

  private void on(String regex, BiConsumer<Matcher, Step> action) {
    steps.put(Pattern.compile(regex), action);
  }

  /** Runs one step. */
  public void run(Step step) {
    for (Map.Entry<Pattern, BiConsumer<Matcher, Step>> candidate : steps.entrySet()) {
      Matcher m = candidate.getKey().matcher(step.text());
      if (m.matches()) {
        candidate.getValue().accept(m, step);
        return;
      }
    }
    throw new IllegalArgumentException("no step definition for '" + step.text() + "'");
  }

  /** The flag the scenario asks for, once its flag step ran. */
  public String flagKey() {
    return flagKey;
  }

  /** The evaluation's details, once the scenario evaluated. */
  public FlagEvaluationDetails<?> details() {
    return details;
  }

  private void evaluate() {
    ImmutableContext context =
        targetingKey == null
            ? new ImmutableContext(attributes)
            : new ImmutableContext(targetingKey, attributes);
    details =
        switch (flagType) {
          case "Boolean" -> client.getBooleanDetails(flagKey, (Boolean) fallback, context);
          case "String" -> client.getStringDetails(flagKey, (String) fallback, context);
          case "Integer" -> client.getIntegerDetails(flagKey, (Integer) fallback, context);
          case "Float" -> client.getDoubleDetails(flagKey, (Double) fallback, context);
          default -> client.getObjectDetails(flagKey, (Value) fallback, context);
        };
  }

  private void assertValue(String expected) {
    Object value = details.getValue();
    if (value instanceof Value object) {
      assertThat(object.asStructure().asObjectMap())
          .as(describe())
          .isEqualTo(((Value) typed("Object", expected)).asStructure().asObjectMap());
    } else {
      assertThat(value).as(describe()).isEqualTo(typed(flagType, expected));
    }
  }

  private void assertMetadata(List<List<String>> table) {
    ImmutableMetadata metadata = details.getFlagMetadata();
    List<String> header = table.get(0);
    assertThat(header).containsExactly("key", "metadata_type", "value");
    for (List<String> row : table.subList(1, table.size())) {
      String key = row.get(0);
      Object actual =
          switch (row.get(1)) {
            case "String" -> metadata.getString(key);
            case "Integer" -> metadata.getInteger(key);
            case "Float" -> metadata.getDouble(key);
            case "Boolean" -> metadata.getBoolean(key);
            default -> throw new IllegalArgumentException("metadata type " + row.get(1));
          };
      assertThat(actual)
          .as(describe() + " metadata " + key)
          .isEqualTo(typed(row.get(1), row.get(2)));
    }
  }

  private String describe() {
    return "flag '"
        + flagKey
        + "' evaluated as "
        + details.getValue()
        + " (variant "
        + details.getVariant()
        + ", reason "
        + details.getReason()
        + ", error "
        + details.getErrorCode()
        + ": "
        + details.getErrorMessage()
        + ", metadata "
        + details.getFlagMetadata().asUnmodifiableMap()
        + ")";
  }

  private static Object typed(String type, String text) {
    return switch (type) {
      case "Boolean" -> Boolean.valueOf(text);
      case "String" -> text;
      case "Integer" -> Integer.valueOf(text);
      case "Float" -> Double.valueOf(text);
      case "Object" -> objectValue(text);
      default -> throw new IllegalArgumentException("flag type " + type);
    };
  }

  private static Value contextValue(String type, String text) {
    return switch (type) {
      case "Boolean" -> new Value(Boolean.parseBoolean(text));
      case "String" -> new Value(text);
      case "Integer" -> new Value(Integer.parseInt(text));
      case "Float" -> new Value(Double.parseDouble(text));
      default -> throw new IllegalArgumentException("context value type " + type);
    };
  }

  private static Value objectValue(String json) {
    try {
      return JsonValues.toValue(JSON.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }

  /** Undoes the escapes of a Cucumber quoted string: {@code \"} and {@code \\}. */
  private static String unquote(String quoted) {
    return quoted.replaceAll("\\\\([\"\\\\])", "$1");
  }
}
