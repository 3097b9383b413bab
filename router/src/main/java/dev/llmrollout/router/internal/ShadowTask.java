package dev.llmrollout.router.internal;

import dev.llmrollout.router.CallOutcome;
import dev.llmrollout.router.ShadowRecord;
import dev.llmrollout.variant.ChatMessage;
import dev.llmrollout.variant.LlmVariant;
import java.util.List;

/**
 * One shadow call to make once the primary has answered.
 *
 * @param flagKey the model flag
 * @param primary the primary's side of the pair
 * @param primaryOutcome what the primary call came to: its price (empty when unpriced) and its time
 *     to first token (-1 when not streamed; then the shadow call is not streamed either)
 * @param shadowVariant the shadow variant's name
 * @param shadow the shadow variant
 * @param endpoint the shadow variant's endpoint
 * @param messages the rendered messages for the shadow
 * @param primaryMessages the rendered messages the primary answered (hashed and shown to the judge)
 * @param jsonRequested whether the request asked for JSON
 * @param segment the request's segment value, or null
 * @param targetingKey the request's targeting key (the pair's unit bucket), or null
 */
public record ShadowTask(
    String flagKey,
    ShadowRecord.Side primary,
    CallOutcome primaryOutcome,
    String shadowVariant,
    LlmVariant shadow,
    Endpoint endpoint,
    List<ChatMessage> messages,
    List<ChatMessage> primaryMessages,
    boolean jsonRequested,
    String segment,
    String targetingKey) {}
