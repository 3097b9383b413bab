package dev.llmrollout.router.internal;

import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.router.FlagSelection;
import dev.llmrollout.router.RouterEvent;
import dev.llmrollout.router.RoutingException;
import dev.llmrollout.router.RoutingException.Kind;
import dev.llmrollout.spi.VariantPayload;
import dev.llmrollout.variant.LlmVariant;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Value;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates a flag once, through the OpenFeature client, so the application's hooks run once: the
 * object evaluation's value carries the served variant's pre-parsed payload ({@link
 * VariantPayload#servedIn}), so the router gets the typed variant and the evaluation details from
 * that one evaluation. Nothing is parsed per request.
 */
public final class FlagSelector {
  private static final Logger LOG = LoggerFactory.getLogger(FlagSelector.class);

  private static final Value NO_VALUE = new Value();

  /** The flag label of events about a flag key the backend does not have. */
  public static final String UNKNOWN_FLAG = "(unknown)";

  private final Client client;
  private final LlmFeatureProvider provider;
  private final RouterEvents events;

  public FlagSelector(Client client, LlmFeatureProvider provider, RouterEvents events) {
    this.client = client;
    this.provider = provider;
    this.events = events;
  }

  /**
   * Evaluates {@code flagKey} for {@code context}. Without a targeting key the provider serves the
   * flag's default variant and reports TARGETING_KEY_MISSING: the request is routed to that variant
   * and the event counted.
   *
   * @param needsModel true for a model flag (its variant must name a model)
   */
  public SelectedVariant select(String flagKey, EvaluationContext context, boolean needsModel) {
    FlagEvaluationDetails<Value> details = client.getObjectDetails(flagKey, NO_VALUE, context);
    ErrorCode error = details.getErrorCode();
    if (error == ErrorCode.TARGETING_KEY_MISSING && details.getVariant() != null) {
      events.count(RouterEvent.TARGETING_KEY_MISSING, flagKey);
    } else if (error == ErrorCode.FLAG_NOT_FOUND) {
      // Any client can send any flag key: counted under one label value, named only in the error.
      events.count(RouterEvent.FLAG_ERROR, UNKNOWN_FLAG);
      throw new RoutingException(
          Kind.FLAG,
          "flag '"
              + flagKey
              + "': evaluation failed with "
              + error
              + ": "
              + details.getErrorMessage());
    } else if (error != null) {
      throw flagError(
          flagKey, "evaluation failed with " + error + ": " + details.getErrorMessage());
    }
    if (details.getVariant() == null) {
      throw flagError(flagKey, "served no variant (reason " + details.getReason() + ")");
    }
    FlagSelection selection =
        new FlagSelection(
            flagKey,
            details.getVariant(),
            String.valueOf(details.getReason()),
            Optional.ofNullable(error).map(ErrorCode::name));
    LlmVariant variant = checked(flagKey, details.getVariant(), servedPayload(details), needsModel);
    if (error == ErrorCode.TARGETING_KEY_MISSING) {
      LOG.debug(
          "flag '{}' variant '{}' model {} version {}: no session or user id, served the default"
              + " variant",
          flagKey,
          details.getVariant(),
          variant.model().orElse("-"),
          variant.version().orElse("-"));
    }
    return new SelectedVariant(selection, variant);
  }

  /**
   * The flag's default variant: what the provider serves a context without a targeting key. One
   * object evaluation on the provider directly (no hooks, no exposure), for fallback after a
   * failure; its value carries the variant's payload, so nothing is looked up again.
   */
  public Optional<SelectedVariant> defaultVariant(String flagKey) {
    ProviderEvaluation<Value> evaluation =
        provider.getObjectEvaluation(flagKey, NO_VALUE, new ImmutableContext());
    Optional<VariantPayload> payload = VariantPayload.servedIn(evaluation.getValue());
    if (payload.isEmpty()) {
      return Optional.empty();
    }
    String variant = payload.get().name();
    FlagSelection selection = new FlagSelection(flagKey, variant, "FALLBACK", Optional.empty());
    try {
      return Optional.of(new SelectedVariant(selection, checked(flagKey, variant, payload, true)));
    } catch (RoutingException e) {
      return Optional.empty();
    }
  }

  /** A named variant of the flag (a shadow target), if it is a model variant. */
  public Optional<SelectedVariant> named(String flagKey, String variantName) {
    return provider
        .variant(flagKey, variantName)
        .flatMap(VariantPayload::llm)
        .filter(v -> !v.isPromptOnly())
        .map(
            v ->
                new SelectedVariant(
                    new FlagSelection(flagKey, variantName, "SHADOW", Optional.empty()), v));
  }

  /**
   * The named model variant of the flag, chosen by name whatever the flag's rules and split say: no
   * evaluation, no hooks, no exposure.
   *
   * @throws RoutingException of kind FLAG when the flag has no such model variant
   */
  public SelectedVariant pinned(String flagKey, String variantName) {
    FlagSelection selection =
        new FlagSelection(flagKey, variantName, FlagSelection.REASON_PINNED, Optional.empty());
    return new SelectedVariant(selection, typed(flagKey, variantName, true));
  }

  /**
   * The payload the evaluation served. The SDK answers an evaluation that reports an error (a
   * missing targeting key) with the caller's default value, so then the variant it names is looked
   * up by name.
   */
  private Optional<VariantPayload> servedPayload(FlagEvaluationDetails<Value> details) {
    Optional<VariantPayload> served = VariantPayload.servedIn(details.getValue());
    if (served.isPresent() && served.get().name().equals(details.getVariant())) {
      return served;
    }
    return provider.variant(details.getFlagKey(), details.getVariant());
  }

  private LlmVariant typed(String flagKey, String variantName, boolean needsModel) {
    return checked(flagKey, variantName, provider.variant(flagKey, variantName), needsModel);
  }

  private LlmVariant checked(
      String flagKey, String variantName, Optional<VariantPayload> served, boolean needsModel) {
    VariantPayload payload =
        served.orElseThrow(
            () -> flagError(flagKey, "variant '" + variantName + "' is not defined"));
    LlmVariant variant =
        payload
            .llm()
            .orElseThrow(
                () ->
                    flagError(
                        flagKey,
                        "variant '" + variantName + "' is not a model or prompt variant object"));
    if (needsModel && variant.isPromptOnly()) {
      throw flagError(flagKey, "variant '" + variantName + "' names no model");
    }
    return variant;
  }

  private RoutingException flagError(String flagKey, String problem) {
    events.count(RouterEvent.FLAG_ERROR, flagKey);
    return new RoutingException(Kind.FLAG, "flag '" + flagKey + "': " + problem);
  }
}
