package dev.llmrollout.router.cli;

import dev.llmrollout.guard.RestoreRefusal;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
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

  @Option(
      names = "--force",
      description =
          "Restore even though the rollout guard rolled the flag's rollout back by itself (the"
              + " rollout record next to the flag says so); without it such a restore is refused.")
  boolean force;

  @Override
  public Integer call() {
    RolloutControl control = openBackend().control();
    RestoreRefusal.check(flag, RestoreRefusal.automaticRollback(flag, control.state(flag)), force);
    String why = force ? "restore forced after automatic rollback: " + reason : reason;
    FlagState state = control.restore(flag, change(why));
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
