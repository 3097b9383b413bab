package dev.llmrollout.variant;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * The typed value of a model or prompt variant: which pinned model a user gets, which locally
 * configured endpoint serves it, and with which prompt and parameters.
 *
 * <p>A model variant has a {@code model}; a prompt variant (served by a separate prompt flag) may
 * carry only a {@code prompt}. Parse one with {@link VariantParser}; it is immutable and parsed
 * once per configuration change.
 *
 * <pre>{@code
 * {"model": "gpt-4o-2024-08-06", "version": "1.2.0", "endpoint": "canary-pool",
 *  "prompt": {"id": "support", "version": "7"},
 *  "parameters": {"temperature": 0.2, "max_tokens": 512},
 *  "shadow": {"variant": "candidate", "sampleRate": 0.1}}
 * }</pre>
 *
 * @param model pinned model id, empty only for a prompt variant
 * @param version semantic version of the model artifact
 * @param endpoint the name of an endpoint configured locally (never a URL)
 * @param prompt the prompt, if the variant sets one
 * @param parameters request parameters (temperature, max_tokens, ...) as JSON values
 * @param shadow a background shadow call, if asked for
 */
public record LlmVariant(
    Optional<String> model,
    Optional<String> version,
    Optional<String> endpoint,
    Optional<PromptSpec> prompt,
    Map<String, JsonNode> parameters,
    Optional<ShadowDirective> shadow) {

  public LlmVariant {
    parameters = Map.copyOf(parameters);
  }

  /** True when this variant only sets a prompt (a prompt flag's variant). */
  public boolean isPromptOnly() {
    return model.isEmpty();
  }
}
