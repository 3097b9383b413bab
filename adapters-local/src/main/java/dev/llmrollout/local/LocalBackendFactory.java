package dev.llmrollout.local;

import dev.llmrollout.spi.BackendFactory;
import dev.llmrollout.spi.VariantValidator;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/** Opens the local-file backend: option {@code flags} is the path of the flagd JSON file. */
public final class LocalBackendFactory implements BackendFactory {
  public static final String TYPE = "local";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Backend open(Map<String, String> options, Function<String, String> environment) {
    return open(options, environment, VariantValidator.NONE);
  }

  @Override
  public Backend open(
      Map<String, String> options,
      Function<String, String> environment,
      VariantValidator validator) {
    String flags = options.get("flags");
    if (flags == null || flags.isBlank()) {
      throw new IllegalArgumentException(
          "backend 'local': option 'flags' (the flags file) is required");
    }
    Path file = Path.of(flags);
    return new Backend(
        LocalFileBackend.watching(file).validating(validator), new LocalFileControl(file));
  }
}
