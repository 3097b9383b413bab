package dev.llmrollout.router.cli;

import dev.llmrollout.spi.BackendFactory.Backend;
import dev.llmrollout.spi.ChangeRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every operator verb shares: the backend, the output, and how long to wait for evaluations.
 */
abstract class OperatorVerb implements Callable<Integer> {
  static final String ACTOR = "llm-router cli (" + System.getProperty("user.name", "unknown") + ")";

  @Spec CommandSpec spec;

  @Mixin BackendMixin backendMixin;

  @Option(
      names = "--verify-timeout",
      defaultValue = "PT30S",
      description =
          "How long to wait for evaluations to show a write (ISO-8601, default PT30S). Vendor"
              + " backends that poll need at least their poll interval.")
  Duration verifyTimeout;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  Backend openBackend() {
    return backendMixin.options.open();
  }

  static ChangeRequest change(String reason) {
    return ChangeRequest.because(reason).by(ACTOR);
  }

  /** Holds the backend options so every verb gets the same ones. */
  static final class BackendMixin {
    @ArgGroup(exclusive = false, heading = "Backend options:%n")
    BackendOptions options = new BackendOptions();
  }
}
