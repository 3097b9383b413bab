package dev.llmrollout.unleash.internal;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Value;
import io.getunleash.UnleashContext;
import java.util.Map;

/**
 * Maps an OpenFeature context to Unleash's. The targeting key becomes {@code userId} (Unleash's
 * default stickiness and the community provider's gap); {@code sessionId}, {@code remoteAddress},
 * {@code environment} and {@code appName} become the fields of the same name; every other scalar
 * attribute becomes a custom property, so strategy constraints can use it.
 */
public final class ContextMapper {
  private static final String TARGETING_KEY = "targetingKey";

  private ContextMapper() {}

  public static UnleashContext toUnleash(EvaluationContext context) {
    UnleashContext.Builder builder = UnleashContext.builder();
    String targetingKey = context.getTargetingKey();
    boolean hasTargetingKey = targetingKey != null && !targetingKey.isEmpty();
    if (hasTargetingKey) {
      builder.userId(targetingKey);
    }
    // Read-only view: asMap() would copy every attribute once more on every evaluation.
    for (Map.Entry<String, Value> attribute : context.asUnmodifiableMap().entrySet()) {
      String text = scalarText(attribute.getValue());
      if (text == null) {
        continue;
      }
      switch (attribute.getKey()) {
        case TARGETING_KEY:
          break;
        case "userId":
          if (!hasTargetingKey) {
            builder.userId(text);
          }
          break;
        case "sessionId":
          builder.sessionId(text);
          break;
        case "remoteAddress":
          builder.remoteAddress(text);
          break;
        case "environment":
          builder.environment(text);
          break;
        case "appName":
          builder.appName(text);
          break;
        default:
          builder.addProperty(attribute.getKey(), text);
      }
    }
    return builder.build();
  }

  private static String scalarText(Value value) {
    if (value == null) {
      return null;
    }
    if (value.isString()) {
      return value.asString();
    }
    if (value.isBoolean()) {
      return value.asBoolean().toString();
    }
    if (value.isNumber()) {
      double number = value.asDouble();
      return number == Math.rint(number) && Math.abs(number) < 1e15
          ? Long.toString((long) number)
          : Double.toString(number);
    }
    if (value.isInstant()) {
      return value.asInstant().toString();
    }
    return null;
  }
}
