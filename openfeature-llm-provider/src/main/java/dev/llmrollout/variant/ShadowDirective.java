package dev.llmrollout.variant;

/**
 * Asks the router to also call {@code variant} in the background for a {@code sampleRate} share of
 * requests (0 to 1), without affecting the user's response.
 */
public record ShadowDirective(String variant, double sampleRate) {}
