package dev.llmrollout.local.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.VariantPayload;
import java.util.Map;
import java.util.Optional;

/**
 * One flag of the file, validated and prepared for evaluation. A flag that failed validation keeps
 * its {@code problem} and serves PARSE_ERROR.
 *
 * @param key the flag key
 * @param json the flag's definition as written, for change detection
 * @param enabled false when {@code state} is DISABLED
 * @param variants the prepared variants, in file order
 * @param defaultVariant the default variant, absent when the file names none
 * @param targeting the compiled rule, absent for a static flag
 * @param problem why the flag is invalid, absent when it is valid
 */
public record FlagDefinition(
    String key,
    JsonNode json,
    boolean enabled,
    Map<String, VariantPayload> variants,
    Optional<VariantPayload> defaultVariant,
    Optional<TargetingRule> targeting,
    Optional<String> problem) {

  /** A flag kept with the reason it cannot be served. */
  public static FlagDefinition invalid(String key, JsonNode json, String problem) {
    return new FlagDefinition(
        key, json, false, Map.of(), Optional.empty(), Optional.empty(), Optional.of(problem));
  }
}
