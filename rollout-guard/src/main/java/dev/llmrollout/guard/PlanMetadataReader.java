package dev.llmrollout.guard;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code rollout.*} keys of one flag's metadata into a {@link RolloutPlan} (see {@link
 * RolloutPlan#fromMetadata}), naming the flag, the key and what was expected when a value is
 * malformed.
 */
record PlanMetadataReader(String flagKey, Map<String, ?> metadata) {

  RolloutPlan read() {
    RolloutPlan.Builder builder = RolloutPlan.custom();
    text("rollout.steps").ifPresent(value -> builder.steps(percents("rollout.steps", value)));
    text("rollout.minBake").ifPresent(value -> builder.minBake(duration("rollout.minBake")));
    text("rollout.maxStepDuration")
        .ifPresent(value -> builder.maxStepDuration(duration("rollout.maxStepDuration")));
    text("rollout.minSamplesPerArm")
        .ifPresent(value -> builder.minSamplesPerArm(number("rollout.minSamplesPerArm", value)));
    text("rollout.onStepTimeout").ifPresent(value -> builder.onStepTimeout(action(value)));
    text("rollout.holdbackPercent")
        .ifPresent(value -> builder.holdbackPercent(percent("rollout.holdbackPercent", value)));
    text("rollout.evidence").ifPresent(value -> builder.evidence(evidence(value)));
    text("rollout.widenFirstStep")
        .ifPresent(
            value ->
                builder.widenFirstStep(
                    value.equalsIgnoreCase("none")
                        ? new double[0]
                        : percents("rollout.widenFirstStep", value)));
    if (text("rollout.shadowMinDuration").isPresent()
        || text("rollout.shadowMinSamples").isPresent()) {
      builder.shadow(
          text("rollout.shadowMinDuration").isPresent()
              ? duration("rollout.shadowMinDuration")
              : Duration.ZERO,
          text("rollout.shadowMinSamples")
              .map(value -> number("rollout.shadowMinSamples", value))
              .orElse(0L));
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("flag '" + flagKey + "' metadata: " + e.getMessage(), e);
    }
  }

  private Optional<String> text(String key) {
    Object value = metadata.get(key);
    return value == null ? Optional.empty() : Optional.of(String.valueOf(value).trim());
  }

  private double[] percents(String key, String value) {
    String[] parts = value.split(",");
    double[] result = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        result[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw invalid(key, value, "comma-separated percentages like 5,25,50,100");
      }
    }
    return result;
  }

  private Duration duration(String key) {
    String value = text(key).orElseThrow();
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw invalid(key, value, "an ISO-8601 duration like PT30M");
    }
  }

  private long number(String key, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw invalid(key, value, "a whole number");
    }
  }

  private double percent(String key, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw invalid(key, value, "a percentage like 5");
    }
  }

  private RolloutPlan.Evidence evidence(String value) {
    try {
      return RolloutPlan.Evidence.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid("rollout.evidence", value, "required or bake_only");
    }
  }

  private RolloutPlan.StepTimeoutAction action(String value) {
    try {
      return RolloutPlan.StepTimeoutAction.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid("rollout.onStepTimeout", value, "hold or roll_back");
    }
  }

  private IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException(
        "flag '" + flagKey + "' metadata " + key + " is '" + value + "', expected " + expected);
  }
}
