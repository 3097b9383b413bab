package dev.llmrollout.router.cli;

import dev.llmrollout.spi.FlagState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Undoes a kill: puts back what it replaced. */
@Command(
    name = "restore",
    description = "Put back what the last kill of FLAG replaced, verified by read-back.",
    mixinStandardHelpOptions = true)
final class RestoreCommand extends OperatorVerb {
  @Parameters(index = "0", paramLabel = "FLAG")
  String flag;

  @Option(names = "--reason", required = true, description = "Why (recorded in the audit trail).")
  String reason;

  @Override
  public Integer call() {
    FlagState state = openBackend().control().restore(flag, change(reason));
    if (state.killed()) {
      throw new AssignmentProbe.VerificationException(
          "flag '" + flag + "': the read-back still shows the kill");
    }
    if (json) {
      printJson(result(state).put("verified", "the read-back shows the flag restored"));
      return ExitCodes.OK;
    }
    StatePrinter.print(out(), state);
    out().println("verified: the read-back shows the flag restored");
    return 0;
  }
}
