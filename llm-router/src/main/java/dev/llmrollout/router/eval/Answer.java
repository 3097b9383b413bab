package dev.llmrollout.router.eval;

import java.time.Duration;

/**
 * What a variant answered to a case, as the checks see it.
 *
 * @param content the answer text
 * @param refusal true when the router's refusal patterns matched
 * @param latency the call's latency
 * @param outputTokens completion tokens reported, -1 when the endpoint reported no usage
 */
public record Answer(String content, boolean refusal, Duration latency, long outputTokens) {}
