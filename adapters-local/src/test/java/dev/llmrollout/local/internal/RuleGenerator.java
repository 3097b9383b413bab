package dev.llmrollout.local.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Random flagd targeting rules over the compiled operators (plus a few the compiler leaves to the
 * engine, nested among them) and random evaluation contexts, from a seeded {@link Random}.
 */
final class RuleGenerator {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String[] STRINGS = {
    "internal",
    "free",
    "eu-west",
    "",
    "1",
    "0",
    "1.5",
    "true",
    "abc",
    "abcxyz",
    "2.0.0",
    "v1.2.3",
    "1.0.0-alpha",
    "3.0.1",
    "x"
  };
  private static final String[] VERSIONS = {
    "1.0.0",
    "2.0.0",
    "2.0.0-alpha",
    "2.0.0-alpha.1",
    "2.0.0-beta",
    "2.1.0",
    "1.9.0",
    "v2.0.0",
    "3.0.1",
    "3.1.0",
    "1",
    "1.2",
    "1.0.0+build",
    "10.0.0",
    "not-a-version",
    "2.0.0.0",
    "01.0.0"
  };
  private static final String[] PATHS = {
    "tier",
    "age",
    "score",
    "user.name",
    "user.age",
    "user",
    "items",
    "items.0",
    "items.1",
    "flags",
    "version",
    "email",
    "missing",
    "missing.deeper",
    "targetingKey",
    "$flagd.flagKey",
    "user.name.first",
    "tier.x"
  };
  private static final String[] UNKNOWN = {"cat", "+", "max", "missing", "substr"};

  private final Random random;

  RuleGenerator(long seed) {
    this.random = new Random(seed);
  }

  /** A whole targeting rule: an {@code if} chain, a split or any expression. */
  JsonNode rule() {
    return switch (random.nextInt(6)) {
      case 0 -> fractional(2);
      case 1 -> value(3);
      default -> conditional(3);
    };
  }

  private JsonNode conditional(int depth) {
    ArrayNode args = JSON.arrayNode();
    int pairs = 1 + random.nextInt(3);
    for (int i = 0; i < pairs; i++) {
      args.add(condition(depth - 1));
      args.add(random.nextInt(4) == 0 ? fractional(depth - 1) : value(depth - 1));
    }
    if (random.nextBoolean()) {
      args.add(value(depth - 1));
    }
    return op(random.nextInt(8) == 0 ? "?:" : "if", args);
  }

  private JsonNode condition(int depth) {
    if (depth <= 0) {
      return random.nextBoolean() ? var() : literal();
    }
    return switch (random.nextInt(17)) {
      case 0 -> op(pick("==", "!=", "===", "!=="), value(depth - 1), value(depth - 1));
      case 15 ->
          op(pick("==", "!=", "===", "!=="), var(pick("tier", "email", "user.name")), literal());
      case 1 -> op(pick("==", "!="), var(), literal());
      case 2 -> comparison(depth);
      case 3 -> op("in", value(depth - 1), haystack(depth));
      case 4 -> op(pick("!", "!!"), value(depth - 1));
      case 5 -> op(pick("!", "!!"), JSON.arrayNode().add(JSON.arrayNode().add(literal())));
      case 6 -> junction(depth);
      case 7 -> op(pick("starts_with", "ends_with"), value(depth - 1), literalString());
      case 8 -> semVer(depth);
      case 9 -> fractionalCondition();
      case 10 -> op(pick(UNKNOWN), value(depth - 1), value(depth - 1));
      case 11 -> op("<", var("$flagd.timestamp"), JSON.numberNode(4133980802L));
      case 12 -> op("!!", var("$flagd"));
      case 13 -> conditional(depth - 1);
      case 14 -> op(pick("!", "!!"), value(depth - 1), value(depth - 1));
      default -> op("in", var(), literalString());
    };
  }

  private JsonNode value(int depth) {
    if (depth <= 0) {
      return random.nextBoolean() ? var() : literal();
    }
    return switch (random.nextInt(6)) {
      case 0, 1 -> var();
      case 2 -> literal();
      case 3 -> condition(depth - 1);
      case 4 -> JSON.arrayNode().add(literal()).add(var());
      default -> conditional(depth - 1);
    };
  }

  private JsonNode comparison(int depth) {
    ArrayNode args = JSON.arrayNode().add(value(depth - 1)).add(number());
    if (random.nextInt(3) == 0) {
      args.add(value(depth - 1));
    }
    return op(pick("<", "<=", ">", ">="), args);
  }

  private JsonNode junction(int depth) {
    ArrayNode args = JSON.arrayNode();
    for (int i = random.nextInt(3); i >= 0; i--) {
      args.add(random.nextBoolean() ? condition(depth - 1) : value(depth - 1));
    }
    return op(pick("and", "or"), args);
  }

  private JsonNode haystack(int depth) {
    return switch (random.nextInt(4)) {
      case 0 -> literalString();
      case 1 -> var();
      case 2 -> JSON.arrayNode().add(literal()).add(value(depth - 1));
      default -> JSON.arrayNode().add(literalString()).add(literalString()).add(number());
    };
  }

  private JsonNode semVer(int depth) {
    JsonNode version = random.nextInt(4) == 0 ? conditional(depth - 1) : var("version");
    String operator = pick("=", "!=", "<", "<=", ">", ">=", "^", "~");
    JsonNode target = JSON.textNode(pick("1.0.0", "2.0.0", "v2.0", "3.0.0", "1", "2.0.0-alpha"));
    if (random.nextInt(5) == 0) {
      return op("sem_ver", version, var("op", operator), var("target", "1.0.0"));
    }
    return op("sem_ver", version, JSON.textNode(operator), target);
  }

  private JsonNode fractional(int depth) {
    ArrayNode args = JSON.arrayNode();
    if (random.nextBoolean()) {
      args.add(random.nextBoolean() ? var() : op("cat", var(), var("targetingKey")));
    }
    for (int i = random.nextInt(3); i >= 0; i--) {
      ArrayNode bucket = JSON.arrayNode();
      bucket.add(depth > 0 && random.nextInt(5) == 0 ? value(depth - 1) : literalString());
      bucket.add(random.nextInt(6) == 0 ? op("if", var("flags"), 10, 90) : number(0, 100));
      args.add(bucket);
    }
    return JSON.objectNode().set("fractional", args);
  }

  private JsonNode fractionalCondition() {
    ArrayNode args = JSON.arrayNode();
    args.add(JSON.arrayNode().add(false).add(random.nextInt(50)));
    args.add(JSON.arrayNode().add(true).add(1 + random.nextInt(50)));
    return JSON.objectNode().set("fractional", args);
  }

  private JsonNode var() {
    if (random.nextInt(4) == 0) {
      return var(pick(PATHS), pick("dflt", "1.0.0", "internal"));
    }
    return var(pick(PATHS));
  }

  private static JsonNode var(String path) {
    return JSON.objectNode().put("var", path);
  }

  private static JsonNode var(String path, String fallback) {
    return JSON.objectNode().set("var", JSON.arrayNode().add(path).add(fallback));
  }

  private JsonNode literal() {
    return switch (random.nextInt(6)) {
      case 0, 1 -> literalString();
      case 2 -> number();
      case 3 -> JSON.booleanNode(random.nextBoolean());
      case 4 -> JSON.nullNode();
      default -> JSON.numberNode(random.nextInt(3));
    };
  }

  private JsonNode literalString() {
    return JSON.textNode(pick(STRINGS));
  }

  private JsonNode number() {
    return random.nextBoolean()
        ? JSON.numberNode(random.nextInt(40) - 5)
        : JSON.numberNode(random.nextInt(400) / 10.0);
  }

  private JsonNode number(int from, int to) {
    return JSON.numberNode(from + random.nextInt(to - from));
  }

  private static ObjectNode op(String operator, Object... args) {
    ArrayNode array = JSON.arrayNode();
    for (Object arg : args) {
      if (arg instanceof JsonNode node) {
        array.add(node);
      } else {
        array.add((Integer) arg);
      }
    }
    return op(operator, array);
  }

  private static ObjectNode op(String operator, ArrayNode args) {
    return JSON.objectNode().set(operator, args);
  }

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[random.nextInt(options.length)];
  }

  /** A context: targeting key or not, and any mix of attribute types the SDK converts. */
  EvaluationContext context() {
    Map<String, Value> attributes = new HashMap<>();
    maybe(attributes, "tier", this::anyValue);
    maybe(attributes, "age", () -> new Value(random.nextInt(40) - 5));
    maybe(attributes, "score", () -> new Value(random.nextInt(400) / 10.0));
    maybe(attributes, "email", () -> new Value(pick(STRINGS) + pick("@example.com", "")));
    maybe(attributes, "version", this::version);
    maybe(attributes, "flags", () -> new Value(random.nextBoolean()));
    maybe(attributes, "op", () -> new Value(pick("=", ">", "^", "~", "===")));
    maybe(attributes, "target", () -> new Value(pick(VERSIONS)));
    maybe(
        attributes,
        "items",
        () -> new Value(List.of(anyValue(), anyValue(), new Value(random.nextInt(3)))));
    maybe(
        attributes,
        "user",
        () ->
            new Value(
                new ImmutableStructure(
                    Map.of("name", anyValue(), "age", new Value(random.nextInt(90))))));
    String targetingKey =
        switch (random.nextInt(5)) {
          case 0 -> null;
          case 1 -> "";
          default -> "user-" + random.nextInt(1000);
        };
    if (random.nextBoolean()) {
      return new MutableContext(targetingKey, attributes);
    }
    return new ImmutableContext(targetingKey, attributes);
  }

  private Value version() {
    return random.nextInt(5) == 0
        ? new Value(random.nextInt(4) + random.nextInt(3) / 10.0)
        : new Value(pick(VERSIONS));
  }

  private Value anyValue() {
    return switch (random.nextInt(6)) {
      case 0 -> new Value(random.nextInt(5));
      case 1 -> new Value(random.nextInt(50) / 10.0);
      case 2 -> new Value(random.nextBoolean());
      case 3 -> new Value();
      default -> new Value(pick(STRINGS));
    };
  }

  private void maybe(Map<String, Value> attributes, String key, Supplier<Value> v) {
    if (random.nextInt(4) != 0) {
      attributes.put(key, v.get());
    }
  }
}
