package dev.llmrollout.local.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.local.internal.ComparisonNodes.AffixMatch;
import dev.llmrollout.local.internal.ComparisonNodes.ComputedSemVerMatch;
import dev.llmrollout.local.internal.ComparisonNodes.LooseEquality;
import dev.llmrollout.local.internal.ComparisonNodes.Membership;
import dev.llmrollout.local.internal.ComparisonNodes.NumericComparison;
import dev.llmrollout.local.internal.ComparisonNodes.SemVerMatch;
import dev.llmrollout.local.internal.ComparisonNodes.StrictEquality;
import dev.llmrollout.local.internal.LogicNodes.Conditional;
import dev.llmrollout.local.internal.LogicNodes.Junction;
import dev.llmrollout.local.internal.LogicNodes.Negation;
import dev.llmrollout.local.internal.RuleNode.Constant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.BinaryOperator;

/**
 * Compiles a flagd targeting rule (JsonLogic JSON) into a tree of {@link RuleNode}s when the
 * configuration loads. Operators flagd users write are compiled; any other operator becomes an
 * {@link EngineSubtree} run by json-logic-java. Arities that can never work and {@code sem_ver}
 * arguments that can never match are rejected here, naming the place in the rule.
 */
final class RuleCompiler {
  private RuleCompiler() {}

  /**
   * Compiles a whole targeting rule.
   *
   * @throws InvalidTargetingException when a part of it can never work
   */
  static RuleNode compile(JsonNode rule) {
    return compile(rule, "");
  }

  private static RuleNode compile(JsonNode node, String path) {
    if (node.isArray()) {
      return array(node, path);
    }
    if (!node.isObject()) {
      return new Constant(literal(node));
    }
    if (node.size() != 1) {
      throw new InvalidTargetingException(
          path, "an operation: an object with one key, found " + node.size() + " keys");
    }
    Map.Entry<String, JsonNode> operation = node.properties().iterator().next();
    String operator = operation.getKey();
    JsonNode value = operation.getValue();
    List<JsonNode> argJson = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(argJson::add);
    } else {
      argJson.add(value);
    }
    String at = path + "." + operator;
    if (operator.equals("var")) {
      return variable(node, argJson, at);
    }
    RuleNode[] args = new RuleNode[argJson.size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = compile(argJson.get(i), at + "[" + i + "]");
    }
    RuleNode compiled = operation(operator, argJson, args, at);
    if (compiled != null) {
      return compiled;
    }
    if (!JsonLogicEngine.OPERATORS.contains(operator)) {
      // json-logic-java would only fail at evaluation, on every request the rule reaches.
      throw new InvalidTargetingException(
          path, "a JsonLogic or flagd operator, found '" + operator + "'");
    }
    return new EngineSubtree(JsonLogicEngine.parse(node, path), "$.targeting" + path);
  }

  /** The compiled operation, or null to leave it to the engine. */
  private static RuleNode operation(
      String operator, List<JsonNode> argJson, RuleNode[] args, String at) {
    return switch (operator) {
      case "if", "?:" -> new Conditional(args);
      case "and", "or" -> new Junction(operator.equals("and"), atLeastOne(args, at));
      case "!", "!!" -> new Negation(operator.equals("!!"), args);
      case "==", "!=" ->
          pair(argJson, args, at, (a, b) -> new LooseEquality(a, b, operator.equals("!=")));
      case "===", "!==" ->
          pair(argJson, args, at, (a, b) -> new StrictEquality(a, b, operator.equals("!==")));
      case "<", "<=", ">", ">=" -> numeric(operator, argJson, args, at);
      case "in" ->
          pair(argJson, args, at, (a, b) -> new Membership(a, b, literalSet(argJson.get(1))));
      case "starts_with", "ends_with" -> affix(operator.equals("starts_with"), args, at);
      case "sem_ver" -> semVer(argJson, args, at);
      case "fractional" -> fractional(argJson, args, at);
      default -> null;
    };
  }

  private static RuleNode array(JsonNode node, String path) {
    List<Object> values = new ArrayList<>();
    List<RuleNode> elements = new ArrayList<>();
    boolean literal = true;
    for (int i = 0; i < node.size(); i++) {
      RuleNode element = compile(node.get(i), path + "[" + i + "]");
      elements.add(element);
      literal &= element instanceof Constant;
      values.add(element instanceof Constant c ? c.value() : null);
    }
    if (literal) {
      return new Constant(Collections.unmodifiableList(values));
    }
    RuleNode[] nodes = elements.toArray(RuleNode[]::new);
    return scope -> {
      List<Object> evaluated = new ArrayList<>(nodes.length);
      for (RuleNode element : nodes) {
        evaluated.add(element.evaluate(scope));
      }
      return evaluated;
    };
  }

  /** A JSON scalar as JsonLogic reads it: every number a Double. */
  private static Object literal(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return null;
  }

  private static RuleNode variable(JsonNode node, List<JsonNode> args, String at) {
    JsonNode key = args.isEmpty() ? null : args.get(0);
    JsonNode fallback = args.size() > 1 ? args.get(1) : null;
    boolean literalFallback = fallback == null || !(fallback.isContainerNode());
    if (key != null && key.isTextual() && literalFallback) {
      String[] path = key.textValue().split("\\.");
      if (path.length > 0 && !key.textValue().isEmpty()) {
        return new ContextVariable(path, fallback == null ? null : literal(fallback));
      }
    }
    if (key != null && key.isNumber() && literalFallback) {
      // A number indexes an array; the context is an object, so the default always applies.
      return new Constant(fallback == null ? null : literal(fallback));
    }
    String path = at.substring(0, at.length() - ".var".length());
    return new EngineSubtree(JsonLogicEngine.parse(node, path), "$.targeting" + path);
  }

  private static RuleNode[] atLeastOne(RuleNode[] args, String at) {
    if (args.length == 0) {
      throw new InvalidTargetingException(at, "at least one argument");
    }
    return args;
  }

  /**
   * A two-argument comparison. A single argument that is not an array literal always fails, and one
   * computed argument (which json-logic-java spreads when it is an array) is left to it.
   */
  private static RuleNode pair(
      List<JsonNode> argJson, RuleNode[] args, String at, BinaryOperator<RuleNode> node) {
    if (args.length == 2) {
      return node.apply(args[0], args[1]);
    }
    if (args.length == 1 && (argJson.get(0).isObject() || argJson.get(0).isArray())) {
      return null;
    }
    throw new InvalidTargetingException(at, "2 arguments, found " + args.length);
  }

  private static RuleNode numeric(
      String operator, List<JsonNode> argJson, RuleNode[] args, String at) {
    if (args.length >= 2) {
      return new NumericComparison(operator, args);
    }
    if (args.length == 1 && (argJson.get(0).isObject() || argJson.get(0).isArray())) {
      return null;
    }
    throw new InvalidTargetingException(at, "2 or 3 arguments, found " + args.length);
  }

  /** The elements of a literal array of literals, as a set; null otherwise. */
  private static Set<Object> literalSet(JsonNode haystack) {
    if (!haystack.isArray()) {
      return null;
    }
    Set<Object> values = new HashSet<>();
    for (JsonNode element : haystack) {
      if (element.isContainerNode()) {
        return null;
      }
      values.add(literal(element));
    }
    return Collections.unmodifiableSet(values);
  }

  private static RuleNode affix(boolean prefix, RuleNode[] args, String at) {
    if (args.length != 2) {
      throw new InvalidTargetingException(
          at, "2 arguments [value, " + (prefix ? "prefix" : "suffix") + "], found " + args.length);
    }
    return new AffixMatch(prefix, args[0], args[1]);
  }

  private static RuleNode semVer(List<JsonNode> argJson, RuleNode[] args, String at) {
    if (args.length != 3) {
      throw new InvalidTargetingException(
          at, "3 arguments [version, operator, version], found " + args.length);
    }
    JsonNode operator = argJson.get(1);
    BiPredicate<SemanticVersion, SemanticVersion> test = null;
    if (!operator.isObject()) {
      test = operator.isTextual() ? SemVerComparison.OPERATORS.get(operator.textValue()) : null;
      if (test == null) {
        throw new InvalidTargetingException(
            at + "[1]",
            "one of the operators "
                + new TreeSet<>(SemVerComparison.OPERATORS.keySet())
                + ", found "
                + operator);
      }
    }
    SemanticVersion target = literalVersion(argJson.get(2), at + "[2]");
    literalVersion(argJson.get(0), at + "[0]");
    if (test != null && target != null) {
      return new SemVerMatch(args[0], test, target);
    }
    return new ComputedSemVerMatch(args[0], args[1], args[2]);
  }

  /** A literal version read once; null for a computed one. */
  private static SemanticVersion literalVersion(JsonNode node, String at) {
    if (node.isObject()) {
      return null;
    }
    SemanticVersion version = node.isValueNode() ? SemanticVersion.of(literal(node)) : null;
    if (version == null) {
      throw new InvalidTargetingException(
          at, "a semantic version such as \"1.2.3\" or \"v2.0\", found " + node);
    }
    return version;
  }

  private static RuleNode fractional(List<JsonNode> argJson, RuleNode[] args, String at) {
    boolean shorthand = !argJson.isEmpty() && argJson.get(0).isArray();
    if (args.length < (shorthand ? 1 : 2)) {
      throw new InvalidTargetingException(at, "at least one [variant, weight] bucket");
    }
    RuleNode bucketingKey = shorthand ? null : args[0];
    RuleNode[] buckets = Arrays.copyOfRange(args, shorthand ? 0 : 1, args.length);
    Object[] names = new Object[buckets.length];
    long[] weights = new long[buckets.length];
    long total = 0;
    for (int i = 0; i < buckets.length; i++) {
      if (!(buckets[i] instanceof Constant c && c.value() instanceof List<?> bucket)
          || bucket.isEmpty()
          || (bucket.size() > 1 && !(bucket.get(1) instanceof Double))) {
        return new FractionalSplit(bucketingKey, buckets, null, null, at);
      }
      names[i] = bucket.get(0);
      weights[i] = bucket.size() > 1 ? FractionalSplit.weight((Double) bucket.get(1)) : 1;
      total += weights[i];
    }
    if (total <= 0) {
      // Left to the general path, which answers null as flagd does.
      return new FractionalSplit(bucketingKey, buckets, null, null, at);
    }
    return new FractionalSplit(bucketingKey, buckets, names, weights, at);
  }
}
