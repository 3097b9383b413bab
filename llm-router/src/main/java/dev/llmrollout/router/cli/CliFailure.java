package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.router.EndpointConfigException;
import dev.llmrollout.router.gateway.ConfigProblems;
import dev.llmrollout.spi.BackendException;
import dev.llmrollout.spi.WriteBackException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import picocli.CommandLine;

/**
 * How a verb's failure reaches the operator: an exit code from {@link ExitCodes} and a message that
 * says what was wrong and how to fix it, never a Java exception's name. With {@code --json} the
 * same facts go to stdout as a JSON object, for scripts.
 */
final class CliFailure {
  private CliFailure() {}

  /** The exit code for {@code e}. */
  static int exitCode(Throwable e) {
    if (e instanceof CommandLine.ParameterException
        || e instanceof IllegalArgumentException
        || e instanceof EndpointConfigException
        || e instanceof BackendException
        || e instanceof ConfigProblems) {
      return ExitCodes.USAGE;
    }
    if (e instanceof WriteBackException w) {
      return switch (w.kind()) {
        case INVALID_REQUEST, NOT_FOUND -> ExitCodes.USAGE;
        default -> ExitCodes.FAILED;
      };
    }
    return ExitCodes.FAILED;
  }

  /** What went wrong, for people: the message, or a description of a message-less failure. */
  static String message(Throwable e) {
    String prefix =
        e instanceof WriteBackException w
            ? "the backend refused the write (" + w.kind().name().toLowerCase() + "): "
            : e instanceof BackendException ? "the flags could not be loaded: " : "";
    return prefix + describe(e);
  }

  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof HttpTimeoutException) {
        return "timed out";
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "unknown host";
      }
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return "an unexpected internal error (set LLM_ROUTER_DEBUG=1 for details)";
  }

  /**
   * Prints {@code e} (stderr, or stdout as JSON under {@code --json}) and returns its exit code.
   */
  static int report(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
    int code = exitCode(e);
    String message = message(e);
    if (System.getenv("LLM_ROUTER_DEBUG") != null) {
      e.printStackTrace(commandLine.getErr());
    }
    if (wantsJson(parsed)) {
      ObjectNode json = GatewayAdminClient.json().createObjectNode();
      json.put("ok", false).put("exitCode", code).put("error", message);
      if (e instanceof ConfigProblems problems) {
        json.set("problems", problems.toJson());
      }
      PrintWriter out = commandLine.getOut();
      out.println(json.toPrettyString());
      out.flush();
      return code;
    }
    PrintWriter err = commandLine.getErr();
    err.println((code == ExitCodes.USAGE ? "error: " : "failed: ") + message);
    if (e instanceof ConfigProblems problems) {
      problems.print(err);
    }
    err.flush();
    return code;
  }

  static boolean wantsJson(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult r = parsed; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--json")) {
        return true;
      }
    }
    return false;
  }
}
