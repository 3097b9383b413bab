package dev.llmrollout.router.cli;

import dev.llmrollout.spi.BackendFactory.Backend;
import dev.llmrollout.spi.ChangeHistory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Shows a flag's state, weights and recent changes. */
@Command(
    name = "status",
    description = "Show FLAG's state, weights and recent changes.",
    mixinStandardHelpOptions = true)
final class StatusCommand extends OperatorVerb {
  @Parameters(index = "0", paramLabel = "FLAG")
  String flag;

  @Option(
      names = "--changes",
      defaultValue = "10",
      description = "How many recent changes to show.")
  int changes;

  @Override
  public Integer call() {
    Backend backend = openBackend();
    if (json) {
      var result = result(backend.control().state(flag));
      if (backend.control() instanceof ChangeHistory history) {
        result.set("recentChanges", StatePrinter.changesJson(history.recentChanges(flag, changes)));
      }
      printJson(result);
      return ExitCodes.OK;
    }
    StatePrinter.print(out(), backend.control().state(flag));
    if (backend.control() instanceof ChangeHistory history) {
      StatePrinter.printChanges(out(), history.recentChanges(flag, changes));
    } else {
      out().println("  recent changes: see the vendor's audit log");
    }
    return 0;
  }
}
