package dev.llmrollout.spi;

import dev.llmrollout.variant.InvalidVariantException;

/**
 * A check the application adds to a backend's own validation of a new configuration, for what only
 * the application knows: the router's gateway, for example, rejects a variant naming an endpoint it
 * has not configured. A backend that takes one treats a variant it rejects like a malformed one: an
 * edit carrying it is not served (the last good configuration keeps serving and the backend reports
 * the rejection as an error), and a flag that has one when the backend starts serves PARSE_ERROR
 * with the validator's message.
 *
 * <p>It runs when a configuration arrives, never per evaluation.
 */
@FunctionalInterface
public interface VariantValidator {
  /** Accepts every variant. */
  VariantValidator NONE = variant -> {};

  /**
   * Checks one variant of a flag.
   *
   * @throws InvalidVariantException naming the flag, the variant, the field's JSON path and what
   *     was expected, when the application cannot serve the variant
   */
  void check(VariantPayload variant) throws InvalidVariantException;
}
