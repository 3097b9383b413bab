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

  /** A backend and the write-back to the same source. */
  record Backend(FlagBackend flags, RolloutControl control) {}
}
