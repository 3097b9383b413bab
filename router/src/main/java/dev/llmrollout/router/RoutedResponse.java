package dev.llmrollout.router;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A routed answer, tagged with what served it: the flags and variants, the model id and version and
 * the endpoint name.
 *
 * @param content the assistant's answer
 * @param finishReason the endpoint's finish reason, empty when absent
 * @param modelFlag what the model flag served
 * @param promptFlag what the prompt flag served, when the request named one
 * @param model the pinned model id sent to the endpoint
 * @param modelVersion the variant's model version, empty when the variant has none
 * @param endpoint the endpoint's name
 * @param responseModel the model the endpoint says answered, empty when absent
 * @param usage token usage
 * @param costUsd the call's cost from the endpoint's price table, empty when the model has none
 * @param latency from sending the request to the end of the answer, retries included
 * @param timeToFirstToken for streamed answers, the time to the first content token
 * @param fallback true when the served variant failed and the flag's default variant answered
 * @param refusal true when the answer matched a refusal pattern
 * @param shadowed true when a shadow call was queued for this request
 */
public record RoutedResponse(
    String content,
    String finishReason,
    FlagSelection modelFlag,
    Optional<FlagSelection> promptFlag,
    String model,
    Optional<String> modelVersion,
    String endpoint,
    String responseModel,
    TokenUsage usage,
    OptionalDouble costUsd,
    Duration latency,
    Optional<Duration> timeToFirstToken,
    boolean fallback,
    boolean refusal,
    boolean shadowed) {

  /** Tag names, usable as response headers by a gateway. */
  public static final String TAG_MODEL_FLAG = "x-llm-model-flag";

  public static final String TAG_MODEL_VARIANT = "x-llm-model-variant";
  public static final String TAG_MODEL = "x-llm-model";
  public static final String TAG_MODEL_VERSION = "x-llm-model-version";
  public static final String TAG_PROMPT_FLAG = "x-llm-prompt-flag";
  public static final String TAG_PROMPT_VARIANT = "x-llm-prompt-variant";
  public static final String TAG_FALLBACK = "x-llm-fallback";

  /** The tags of this response: flag keys, variants, model id and version. */
  public Map<String, String> tags() {
    Map<String, String> tags =
        tags(
            modelFlag.flagKey(),
            modelFlag.variant(),
            model,
            modelVersion,
            promptFlag.map(FlagSelection::flagKey).orElse(null),
            promptFlag.map(FlagSelection::variant).orElse(null));
    if (fallback) {
      tags.put(TAG_FALLBACK, "true");
    }
    return tags;
  }

  /** The tags of a call, before its answer exists (prompt flag and variant may be null). */
  public static Map<String, String> tags(
      String flagKey,
      String variant,
      String model,
      Optional<String> modelVersion,
      String promptFlag,
      String promptVariant) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TAG_MODEL_FLAG, flagKey);
    tags.put(TAG_MODEL_VARIANT, variant);
    tags.put(TAG_MODEL, model);
    tags.put(TAG_MODEL_VERSION, modelVersion.orElse(""));
    if (promptFlag != null) {
      tags.put(TAG_PROMPT_FLAG, promptFlag);
      tags.put(TAG_PROMPT_VARIANT, promptVariant);
    }
    return tags;
  }
}
