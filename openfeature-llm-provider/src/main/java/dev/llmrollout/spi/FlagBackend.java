package dev.llmrollout.spi;

import dev.openfeature.sdk.EvaluationContext;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Where flags come from: a local file, LaunchDarkly, Unleash or AWS AppConfig. Each adapter
 * implements this once; the {@link dev.llmrollout.provider.LlmFeatureProvider} puts the OpenFeature
 * face on it.
 *
 * <p>{@link #resolve} is on the request path of every model call: it must evaluate from memory, do
 * no I/O and not parse payloads (they are parsed into {@link VariantPayload}s when a configuration
 * arrives).
 */
public interface FlagBackend extends AutoCloseable {

  /** A short name for logs and metadata, such as {@code local-file}. */
  String name();

  /**
   * Connects, loads the flags and returns once they can be served.
   *
   * @param listener receives later changes, staleness and errors
   * @param timeout how long to wait for the first configuration
   * @throws BackendException when no configuration could be loaded in time
   */
  void start(BackendListener listener, Duration timeout);

  /** Resolves {@code flagKey} for {@code context}, from memory. */
  Resolution resolve(String flagKey, EvaluationContext context);

  /** A variant by name, for the router's shadow calls and for diagnostics. */
  Optional<VariantPayload> variant(String flagKey, String variantName);

  /** The keys of the flags currently served. */
  Set<String> flagKeys();

  /** Stops background work and releases connections. Idempotent. */
  @Override
  void close();
}
