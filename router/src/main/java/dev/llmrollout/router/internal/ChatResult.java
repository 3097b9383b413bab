package dev.llmrollout.router.internal;

/**
 * What one successful chat completion call returned.
 *
 * @param content the assistant's answer
 * @param finishReason the endpoint's finish reason, empty when absent
 * @param responseModel the model the endpoint says answered, empty when absent
 * @param usageReported whether the endpoint reported token usage
 * @param inputTokens prompt tokens (0 when not reported)
 * @param outputTokens completion tokens (0 when not reported)
 * @param latencyNanos from sending the request to the end of the answer
 * @param firstTokenNanos from sending the request to the first content chunk; -1 when not streamed
 * @param attempts how many attempts the call took
 */
public record ChatResult(
    String content,
    String finishReason,
    String responseModel,
    boolean usageReported,
    long inputTokens,
    long outputTokens,
    long latencyNanos,
    long firstTokenNanos,
    int attempts) {}
