package dev.llmrollout.launchdarkly.internal;

import com.launchdarkly.sdk.ArrayBuilder;
import com.launchdarkly.sdk.ContextBuilder;
import com.launchdarkly.sdk.ContextKind;
import com.launchdarkly.sdk.ContextMultiBuilder;
import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.LDValue;
import com.launchdarkly.sdk.ObjectBuilder;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an OpenFeature evaluation context into a LaunchDarkly context.
 *
 * <ul>
 *   <li>The targeting key becomes the context key ({@code key} is accepted when there is none).
 *   <li>A string attribute {@code kind} selects the context kind (default {@code user}).
 *   <li>{@code kind: "multi"} builds a multi-kind context: every structure attribute is one context
 *       whose kind is the attribute's name and whose key is its {@code targetingKey} or {@code
 *       key}.
 *   <li>{@code name}, {@code anonymous} and {@code privateAttributes} map to LaunchDarkly's
 *       built-in attributes; every other attribute becomes a custom attribute.
 * </ul>
 */
public final class ContextMapper {
  static final String KIND = "kind";
  static final String MULTI = "multi";
  private static final String KEY = "key";
  private static final String TARGETING_KEY = "targetingKey";
  private static final String NAME = "name";
  private static final String ANONYMOUS = "anonymous";
  private static final String PRIVATE = "privateAttributes";

  private ContextMapper() {}

  /**
   * The LaunchDarkly context, or empty when there is no key to bucket by.
   *
   * @throws IllegalArgumentException naming the attribute when the context cannot be mapped
   */
  public static Optional<LDContext> toLaunchDarkly(EvaluationContext context) {
    // Read-only views throughout: asMap() would copy every attribute once more per evaluation.
    Map<String, Value> attributes = context.asUnmodifiableMap();
    String kind = text(attributes.get(KIND)).orElse(ContextKind.DEFAULT.toString());
    if (MULTI.equals(kind)) {
      return multi(attributes);
    }
    Optional<String> key = nonEmpty(context.getTargetingKey()).or(() -> text(attributes.get(KEY)));
    if (key.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(single(kind, key.get(), attributes));
  }

  private static Optional<LDContext> multi(Map<String, Value> attributes) {
    ContextMultiBuilder builder = LDContext.multiBuilder();
    int contexts = 0;
    for (Map.Entry<String, Value> e : attributes.entrySet()) {
      if (!e.getValue().isStructure()) {
        continue;
      }
      Map<String, Value> nested = e.getValue().asStructure().asUnmodifiableMap();
      Optional<String> key = text(nested.get(TARGETING_KEY)).or(() -> text(nested.get(KEY)));
      if (key.isEmpty()) {
        throw new IllegalArgumentException(
            "context attribute '"
                + e.getKey()
                + "': a context of a multi-kind context needs a 'key' or 'targetingKey'");
      }
      builder.add(single(e.getKey(), key.get(), nested));
      contexts++;
    }
    return contexts == 0 ? Optional.empty() : Optional.of(builder.build());
  }

  private static LDContext single(String kind, String key, Map<String, Value> attributes) {
    ContextBuilder builder = LDContext.builder(ContextKind.of(kind), key);
    for (Map.Entry<String, Value> e : attributes.entrySet()) {
      String name = e.getKey();
      Value value = e.getValue();
      switch (name) {
        case KIND, KEY, TARGETING_KEY -> {
          // already used for the kind and key
        }
        case NAME -> text(value).ifPresent(builder::name);
        case ANONYMOUS -> builder.anonymous(value.isBoolean() && value.asBoolean());
        case PRIVATE -> builder.privateAttributes(strings(value).toArray(String[]::new));
        default -> builder.set(name, toLdValue(value));
      }
    }
    LDContext built = builder.build();
    if (!built.isValid()) {
      throw new IllegalArgumentException("context kind '" + kind + "': " + built.getError());
    }
    return built;
  }

  /**
   * Converts an OpenFeature value; instants become RFC 3339 strings, which LaunchDarkly's date
   * operators read.
   */
  public static LDValue toLdValue(Value value) {
    if (value == null || value.isNull()) {
      return LDValue.ofNull();
    }
    if (value.isBoolean()) {
      return LDValue.of(value.asBoolean());
    }
    if (value.isString()) {
      return LDValue.of(value.asString());
    }
    if (value.isNumber()) {
      Object raw = value.asObject();
      return raw instanceof Integer i ? LDValue.of(i) : LDValue.of(value.asDouble());
    }
    if (value.isInstant()) {
      return LDValue.of(value.asInstant().toString());
    }
    if (value.isList()) {
      ArrayBuilder array = LDValue.buildArray();
      value.asList().forEach(v -> array.add(toLdValue(v)));
      return array.build();
    }
    ObjectBuilder object = LDValue.buildObject();
    Structure structure = value.asStructure();
    structure.asUnmodifiableMap().forEach((k, v) -> object.put(k, toLdValue(v)));
    return object.build();
  }

  private static List<String> strings(Value value) {
    List<String> out = new ArrayList<>();
    if (value.isList()) {
      value.asList().forEach(v -> text(v).ifPresent(out::add));
    }
    return out;
  }

  private static Optional<String> text(Value value) {
    return value != null && value.isString() ? nonEmpty(value.asString()) : Optional.empty();
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }
}
