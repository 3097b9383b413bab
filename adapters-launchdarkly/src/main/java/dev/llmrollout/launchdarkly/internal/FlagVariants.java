package dev.llmrollout.launchdarkly.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.VariantPayload;
import dev.llmrollout.variant.InvalidVariantException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The variations of one version of one flag, parsed once when that version arrived, with what the
 * reason mapping needs to know about the flag (whether its fallthrough is a rollout).
 *
 * @param flagKey the flag
 * @param version the flag's version in LaunchDarkly's data
 * @param payloads the parsed variations, by variation index; empty when {@link #rejection} is set
 * @param fallthroughIsRollout true when the default rule splits traffic
 * @param offVariation the index served when the flag is off, or -1
 * @param rejection why this version cannot be served, naming the flag and the field
 */
public record FlagVariants(
    String flagKey,
    int version,
    List<VariantPayload> payloads,
    boolean fallthroughIsRollout,
    int offVariation,
    Optional<String> rejection) {

  public FlagVariants {
    payloads = List.copyOf(payloads);
  }

  /**
   * Parses a flag as the SDK serialises it ({@code key}, {@code version}, {@code variations},
   * {@code fallthrough}, {@code offVariation}).
   */
  public static FlagVariants parse(
      String flagKey, JsonNode flag, Optional<List<String>> restNames) {
    int version = flag.path("version").asInt();
    boolean rollout = flag.path("fallthrough").path("rollout").isObject();
    int off = flag.path("offVariation").isInt() ? flag.path("offVariation").asInt() : -1;
    JsonNode variations = flag.path("variations");
    if (!variations.isArray()) {
      return rejected(
          flagKey,
          version,
          rollout,
          off,
          "flag '" + flagKey + "': at $.variations: expected an array");
    }
    List<JsonNode> values = new ArrayList<>();
    variations.forEach(values::add);
    List<String> names = VariationNaming.names(values, restNames);
    List<VariantPayload> payloads = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      try {
        payloads.add(
            VariantPayload.parse(flagKey, names.get(i), values.get(i), Integer.toString(version)));
      } catch (InvalidVariantException e) {
        return rejected(flagKey, version, rollout, off, e.getMessage() + " (variation " + i + ")");
      }
    }
    return new FlagVariants(flagKey, version, payloads, rollout, off, Optional.empty());
  }

  private static FlagVariants rejected(
      String flagKey, int version, boolean rollout, int off, String why) {
    return new FlagVariants(flagKey, version, List.of(), rollout, off, Optional.of(why));
  }

  /** The variation at {@code index}, if this version has it. */
  public Optional<VariantPayload> at(int index) {
    return index >= 0 && index < payloads.size()
        ? Optional.of(payloads.get(index))
        : Optional.empty();
  }

  /** The variation named {@code name}. */
  public Optional<VariantPayload> named(String name) {
    return payloads.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  public boolean servable() {
    return rejection.isEmpty();
  }
}
