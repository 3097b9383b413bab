package dev.llmrollout.router.cli;

import dev.llmrollout.spi.BackendFactory;
import dev.llmrollout.spi.BackendFactory.Backend;
import dev.llmrollout.spi.VariantValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** Which backend holds the flags: the same options for {@code serve} and every operator verb. */
final class BackendOptions {
  @Option(
      names = "--backend",
      defaultValue = "local",
      description =
          "Where the flags live: local (default), unleash, launchdarkly or appconfig. Vendor"
              + " backends read their settings and secrets from environment variables.")
  String type;

  @Option(
      names = "--flags",
      description = "The flags file of the local backend (flagd format).",
      paramLabel = "FILE")
  String flagsFile;

  @Option(
      names = "--backend-option",
      description = "A backend setting as key=value (see the backend's documentation).",
      paramLabel = "KEY=VALUE")
  Map<String, String> extra = new LinkedHashMap<>();

  /** The local backend's file must exist before anything runs: a typo is bad usage (exit 2). */
  private void checkFlagsFile() {
    String flagsFile = this.flagsFile != null ? this.flagsFile : extra.get("flags");
    if (flagsFile == null) {
      throw new IllegalArgumentException(
          "--flags FILE: expected the flags file of the local backend (or --backend NAME)");
    }
    Path file = Path.of(flagsFile);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(
          "--flags "
              + flagsFile
              + ": expected a readable flags file; none at "
              + file.toAbsolutePath());
    }
  }

  /** Opens the chosen backend; fails with a usage error naming the choices when it is unknown. */
  Backend open() {
    return open(VariantValidator.NONE);
  }

  /** As {@link #open()}, the backend checking every configuration with {@code validator}. */
  Backend open(VariantValidator validator) {
    List<BackendFactory> factories =
        ServiceLoader.load(BackendFactory.class).stream().map(ServiceLoader.Provider::get).toList();
    BackendFactory factory =
        factories.stream()
            .filter(f -> f.type().equals(type))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--backend "
                            + type
                            + ": expected one of "
                            + factories.stream()
                                .map(BackendFactory::type)
                                .collect(Collectors.toList())));
    Map<String, String> options = new LinkedHashMap<>(extra);
    if (type.equals("local")) {
      checkFlagsFile();
    }
    if (flagsFile != null) {
      options.put("flags", flagsFile);
    }
    return factory.open(options, System::getenv, validator);
  }
}
