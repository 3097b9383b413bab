package dev.llmrollout.guard;

import java.util.Optional;

/**
 * An in-process answer that takes precedence over the flag's backend: the router asks it before
 * every evaluation, so that a rollback serves stable at once even while the vendor write is slow or
 * failing.
 *
 * <pre>{@code
 * Optional<String> forced = override.forcedVariant("support-model");
 * String variant = forced.orElseGet(() -> client.getObjectDetails(...).getVariant());
 * }</pre>
 */
@FunctionalInterface
public interface ServingOverride {

  /** The variant every evaluation of {@code flagKey} must serve now, if one is forced. */
  Optional<String> forcedVariant(String flagKey);
}
