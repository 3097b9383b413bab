package dev.llmrollout.guard;

/**
 * Evaluates a flag the way new requests would, bypassing the {@link
 * dev.llmrollout.provider.ServingOverride}: the rollback is only verified when the backend itself
 * returns stable again. The router provides it.
 */
@FunctionalInterface
public interface EvaluationProbe {

  /** The variant a fresh evaluation of {@code flagKey} returns from the backend. */
  String servedVariant(String flagKey);
}
