package dev.llmrollout.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.Metric.Comparison;
import dev.llmrollout.guard.Metric.Direction;
import dev.llmrollout.guard.RolloutPlan.Evidence;
import dev.llmrollout.guard.RolloutPlan.StepTimeoutAction;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stable JSON form of a {@link RolloutSpec}, its {@link RolloutPlan} and its {@link Rule}s,
 * written into a durable rollout's record so that another controller can resume it. Field names are
 * fixed here (not derived from the Java names), durations are ISO-8601 strings, enums their names;
 * reading goes through the same validating constructors as code, so a spec read back equals the one
 * written.
 *
 * <pre>{@code
 * String json = RolloutSpecJson.write(spec);
 * RolloutSpec again = RolloutSpecJson.read(json);   // again.equals(spec)
 * }</pre>
 */
public final class RolloutSpecJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RolloutSpecJson() {}

  /** The spec as a JSON document. */
  public static String write(RolloutSpec spec) {
    return toNode(spec).toString();
  }

  /**
   * Reads a spec written by {@link #write}.
   *
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  public static RolloutSpec read(String json) {
    try {
      return fromNode(JSON.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("rollout spec: not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The spec as a JSON object, for embedding in a larger document. */
  public static ObjectNode toNode(RolloutSpec spec) {
    ObjectNode node = JSON.createObjectNode();
    node.put("flagKey", spec.flagKey());
    node.put("stable", spec.stable());
    node.put("canary", spec.canary());
    node.put("stableVersion", spec.stableVersion().orElse(null));
    node.put("canaryVersion", spec.canaryVersion().orElse(null));
    node.set("plan", planNode(spec.plan()));
    ArrayNode rules = node.putArray("rules");
    spec.rules().rules().forEach(rule -> rules.add(ruleNode(rule)));
    ArrayNode segments = node.putArray("segments");
    spec.segments().forEach(segments::add);
    node.put("shadowCompleted", spec.shadowCompleted());
    node.put("force", spec.force());
    node.put("evalGateOverride", spec.evalGateOverride().orElse(null));
    ArrayNode shadowRules = node.putArray("shadowRules");
    spec.shadowRules().rules().forEach(rule -> shadowRules.add(shadowRuleNode(rule)));
    return node;
  }

  /**
   * Reads a spec from {@link #toNode}'s form.
   *
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  public static RolloutSpec fromNode(JsonNode node) {
    Fields in = new Fields("rollout spec", node);
    List<Rule> rules = new ArrayList<>();
    for (JsonNode rule : in.array("rules")) {
      rules.add(ruleFrom(rule));
    }
    List<String> segments = new ArrayList<>();
    in.array("segments").forEach(value -> segments.add(value.asText()));
    List<ShadowRule> shadowRules = new ArrayList<>();
    for (JsonNode rule : in.array("shadowRules")) {
      shadowRules.add(shadowRuleFrom(rule));
    }
    return new RolloutSpec(
        in.text("flagKey"),
        in.text("stable"),
        in.text("canary"),
        in.optionalText("stableVersion"),
        in.optionalText("canaryVersion"),
        planFrom(in.object("plan")),
        new RuleSet(rules),
        segments,
        in.bool("shadowCompleted"),
        in.bool("force"),
        in.optionalText("evalGateOverride"),
        new ShadowRuleSet(shadowRules));
  }

  static ObjectNode shadowRuleNode(ShadowRule rule) {
    return JSON.createObjectNode()
        .put("metric", rule.metric().name())
        .put("quantile", rule.quantile())
        .put("ratio", rule.ratio())
        .put("margin", rule.margin());
  }

  static ShadowRule shadowRuleFrom(JsonNode node) {
    Fields in = new Fields("shadow rule", node);
    return new ShadowRule(
        in.constant("metric", ShadowRule.Metric.class),
        in.number("quantile"),
        in.number("ratio"),
        in.number("margin"));
  }

  static ObjectNode planNode(RolloutPlan plan) {
    ObjectNode node = JSON.createObjectNode();
    plan.shadow()
        .ifPresentOrElse(
            shadow ->
                node.putObject("shadow")
                    .put("minDuration", shadow.minDuration().toString())
                    .put("minSamples", shadow.minSamples()),
            () -> node.putNull("shadow"));
    ArrayNode steps = node.putArray("steps");
    for (CanaryStep step : plan.steps()) {
      steps
          .addObject()
          .put("percent", step.percent())
          .put("minBake", step.minBake().toString())
          .put("minSamplesPerArm", step.minSamplesPerArm())
          .put("maxDuration", step.maxDuration().toString());
    }
    node.put("onStepTimeout", plan.onStepTimeout().name());
    node.put("holdbackPercent", plan.holdbackPercent());
    node.put("evidence", plan.evidence().name());
    ArrayNode widening = node.putArray("firstStepWidening");
    plan.firstStepWidening().forEach(widening::add);
    return node;
  }

  static RolloutPlan planFrom(JsonNode node) {
    Fields in = new Fields("rollout plan", node);
    List<CanaryStep> steps = new ArrayList<>();
    for (JsonNode stepNode : in.array("steps")) {
      Fields step = new Fields("rollout plan step", stepNode);
      steps.add(
          new CanaryStep(
              step.number("percent"),
              step.duration("minBake"),
              step.whole("minSamplesPerArm"),
              step.duration("maxDuration")));
    }
    JsonNode shadowNode = node.path("shadow");
    Optional<RolloutPlan.ShadowPhase> shadow = Optional.empty();
    if (shadowNode.isObject()) {
      Fields s = new Fields("rollout plan shadow", shadowNode);
      shadow =
          Optional.of(
              new RolloutPlan.ShadowPhase(s.duration("minDuration"), s.whole("minSamples")));
    }
    List<Double> widening = new ArrayList<>();
    in.array("firstStepWidening").forEach(value -> widening.add(value.asDouble()));
    return new RolloutPlan(
        shadow,
        steps,
        in.constant("onStepTimeout", StepTimeoutAction.class),
        in.number("holdbackPercent"),
        in.constant("evidence", Evidence.class),
        widening);
  }

  static ObjectNode ruleNode(Rule rule) {
    return JSON.createObjectNode()
        .put("metric", rule.metric().name())
        .put("feedbackEvent", rule.feedbackEvent())
        .put("quantile", rule.quantile())
        .put("direction", rule.direction().name())
        .put("comparison", rule.comparison().name())
        .put("regressionToDetect", rule.regressionToDetect())
        .put("regressionTolerated", rule.regressionTolerated());
  }

  static Rule ruleFrom(JsonNode node) {
    Fields in = new Fields("rule", node);
    return new Rule(
        in.constant("metric", Metric.class),
        in.text("feedbackEvent"),
        in.number("quantile"),
        in.constant("direction", Direction.class),
        in.constant("comparison", Comparison.class),
        in.number("regressionToDetect"),
        in.number("regressionTolerated"));
  }

  /** Reads required fields, naming the object and the field when one is missing or mistyped. */
  private record Fields(String what, JsonNode node) {
    Fields {
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(what + ": expected a JSON object, got " + node);
      }
    }

    private JsonNode required(String field, boolean ok, String expected) {
      JsonNode value = node.get(field);
      if (value == null || !ok) {
        throw new IllegalArgumentException(
            what + ": field '" + field + "' is " + value + ", expected " + expected);
      }
      return value;
    }

    String text(String field) {
      return required(field, node.path(field).isTextual(), "a string").textValue();
    }

    Optional<String> optionalText(String field) {
      JsonNode value = node.path(field);
      return value.isNull() || value.isMissingNode() ? Optional.empty() : Optional.of(text(field));
    }

    boolean bool(String field) {
      return required(field, node.path(field).isBoolean(), "true or false").booleanValue();
    }

    double number(String field) {
      return required(field, node.path(field).isNumber(), "a number").doubleValue();
    }

    long whole(String field) {
      return required(field, node.path(field).canConvertToExactIntegral(), "a whole number")
          .longValue();
    }

    JsonNode array(String field) {
      return required(field, node.path(field).isArray(), "an array");
    }

    JsonNode object(String field) {
      return required(field, node.path(field).isObject(), "an object");
    }

    Duration duration(String field) {
      String text = required(field, node.path(field).isTextual(), "an ISO-8601 duration").asText();
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            what + ": field '" + field + "' is " + text + ", expected an ISO-8601 duration");
      }
    }

    <E extends Enum<E>> E constant(String field, Class<E> type) {
      String name = text(field);
      try {
        return Enum.valueOf(type, name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            what
                + ": field '"
                + field
                + "' is "
                + name
                + ", expected one of "
                + List.of(type.getEnumConstants()));
      }
    }
  }
}
