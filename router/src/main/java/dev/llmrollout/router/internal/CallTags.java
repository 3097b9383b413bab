package dev.llmrollout.router.internal;

/**
 * What a call is attributed to in metrics and logs.
 *
 * @param flagKey the model flag
 * @param variant the model flag's variant
 * @param model the model id sent
 * @param promptFlag the prompt flag, or null when the request had none
 * @param promptVariant the prompt flag's variant, or null
 * @param shadow true for a shadow call
 */
public record CallTags(
    String flagKey,
    String variant,
    String model,
    String promptFlag,
    String promptVariant,
    boolean shadow) {}
