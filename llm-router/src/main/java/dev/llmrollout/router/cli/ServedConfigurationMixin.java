package dev.llmrollout.router.cli;

import dev.llmrollout.router.gateway.ConfigCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * What {@code serve} runs and {@code validate} checks besides the flags: the endpoints file and the
 * gateway's default flag, declared once for both.
 */
final class ServedConfigurationMixin {
  @Option(
      names = "--endpoints",
      required = true,
      paramLabel = "FILE",
      description = "The model endpoints file (endpoints.json).")
  Path endpoints;

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

  /** Problems of the endpoints file: unreadable, malformed, or a key variable not set. */
  List<ConfigCheck.Problem> endpointProblems() {
    return ConfigCheck.endpoints(endpoints, System::getenv);
  }
}
