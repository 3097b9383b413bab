package dev.llmrollout.router.cli;

import dev.llmrollout.router.gateway.ConfigCheck;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --endpoints FILE}, declared once for every verb that calls models. */
final class EndpointsFileMixin {
  @Option(
      names = "--endpoints",
      required = true,
      paramLabel = "FILE",
      description = "The model endpoints file (endpoints.json).")
  Path file;

  /** Problems of the endpoints file: unreadable, malformed, or a key variable not set. */
  List<ConfigCheck.Problem> problems() {
    return ConfigCheck.endpoints(file, System::getenv);
  }
}
