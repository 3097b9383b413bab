package dev.llmrollout.router.cli;

import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code serve} runs and {@code validate} checks besides the flags: the endpoints file and the
 * gateway's default flag, declared once for both.
 */
final class ServedConfigurationMixin {
  @Mixin EndpointsFileMixin endpoints;

  @Option(
      names = "--default-flag",
      paramLabel = "KEY",
      description =
          "The model flag for requests that name none (no X-Flag-Key header, no flag in the"
              + " body's \"model\"); it must exist.")
  String defaultFlag;

  Optional<String> defaultFlag() {
    return Optional.ofNullable(defaultFlag);
  }
}
