package dev.llmrollout.provider;

import dev.openfeature.sdk.EvaluationContext;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * Feedback an application sent through OpenFeature {@code track()}, attributed to the variant that
 * the targeting key was served.
 *
 * @param flagKey the flag whose variant the feedback is about
 * @param variant the variant the targeting key was served
 * @param targetingKey who gave the feedback
 * @param name the tracking event name, such as {@code thumbs_down} or {@code task_completed}
 * @param value the event's numeric value, if it has one
 * @param context the evaluation context of the track call (segment attributes such as intent)
 * @param at when the provider received it
 */
public record FeedbackEvent(
    String flagKey,
    String variant,
    String targetingKey,
    String name,
    OptionalDouble value,
    EvaluationContext context,
    Instant at) {}
