package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.BackendFactory.Backend;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
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
          "How long to wait for evaluations to show a write (30s, 5m or ISO-8601; default 30s)."
              + " Vendor backends that poll need at least their poll interval.")
  Duration verifyTimeout;

  @Option(names = "--json", description = "Print the result as JSON (errors too, on stdout).")
  boolean json;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** A successful result for {@code --json}: {@code ok}, {@code exitCode} and the flag's state. */
  ObjectNode result(FlagState state) {
    ObjectNode result = GatewayAdminClient.json().createObjectNode();
    result.put("ok", true).put("exitCode", ExitCodes.OK);
    result.set("flag", StatePrinter.toJson(state));
    return result;
  }

  void printJson(ObjectNode result) {
    out().println(result.toPrettyString());
    out().flush();
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
