package dev.llmrollout.router.gateway;

import dev.llmrollout.spi.BackendFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The default backend, a local flags file, found like every backend through {@link ServiceLoader}
 * (the application depends on the adapters at runtime only): what the demo, the warm-up and the
 * tests that need a flags file open.
 */
public final class LocalFlagsBackend {
  private LocalFlagsBackend() {}

  /**
   * Opens the local backend on {@code flags}; {@code environment} gives it any variable it reads.
   */
  public static BackendFactory.Backend open(Path flags, Function<String, String> environment) {
    BackendFactory local =
        ServiceLoader.load(BackendFactory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.type().equals("local"))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the local flag backend (adapters-local) is not on the class path"));
    return local.open(Map.of("flags", flags.toString()), environment);
  }
}
