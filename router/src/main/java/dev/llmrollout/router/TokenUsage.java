package dev.llmrollout.router;

/**
 * Tokens an endpoint reported for one call.
 *
 * @param reported false when the endpoint sent no usage (then both counts are 0)
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens
 */
public record TokenUsage(boolean reported, long inputTokens, long outputTokens) {}
