package dev.llmrollout.router;

import java.util.Optional;

/**
 * What one flag served a request.
 *
 * @param flagKey the flag
 * @param variant the variant name served
 * @param reason the OpenFeature reason (SPLIT, TARGETING_MATCH, STATIC, DEFAULT, ERROR, ...)
 * @param errorCode the OpenFeature error code when the evaluation reported one, such as {@code
 *     TARGETING_KEY_MISSING} (the default variant served a request without a targeting key)
 */
public record FlagSelection(
    String flagKey, String variant, String reason, Optional<String> errorCode) {

  /**
   * The reason of a variant chosen by name rather than by the flag's rules, as the offline eval
   * does with {@link ModelRouter#routeToVariant}.
   */
  public static final String REASON_PINNED = "PINNED";
}
