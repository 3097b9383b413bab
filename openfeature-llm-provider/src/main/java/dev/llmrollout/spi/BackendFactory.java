package dev.llmrollout.spi;

import java.util.Map;
import java.util.function.Function;

/**
 * Opens a backend by type name, found through {@link java.util.ServiceLoader}, so that the router
 * picks a vendor by configuration without importing every adapter.
 */
public interface BackendFactory {

  /** The name users select the backend by: {@code local}, {@code unleash}, ... */
  String type();

  /**
   * Creates a backend, not yet started, and its write-back.
   *
   * @param options backend options from the command line, such as {@code flags=/path/flags.json}
   * @param environment reads environment variables; secrets come only from here
   */
  Backend open(Map<String, String> options, Function<String, String> environment);

  /**
   * As {@link #open(Map, Function)}, with a check the backend applies to every configuration before
   * it serves it (see {@link VariantValidator}). The local-file backend applies it; backends that
   * cannot hold back a change made in the vendor's console ignore it (the default), and the
   * application has to check what they serve itself.
   */
  default Backend open(
      Map<String, String> options,
      Function<String, String> environment,
      VariantValidator validator) {
    return open(options, environment);
  }

  /** A backend and the write-back to the same source. */
  record Backend(FlagBackend flags, RolloutControl control) {}
}
