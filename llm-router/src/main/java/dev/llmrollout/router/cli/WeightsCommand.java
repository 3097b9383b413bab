package dev.llmrollout.router.cli;

import dev.llmrollout.spi.FlagState;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** Sets a flag's split: {@code llm-router weights FLAG stable=95 canary=5 --reason ...}. */
@Command(
    name = "weights",
    description = "Set FLAG's split in percent (summing to 100), verified by read-back.",
    mixinStandardHelpOptions = true)
final class WeightsCommand extends OperatorVerb {
  @Parameters(index = "0", paramLabel = "FLAG")
  String flag;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "VARIANT=PERCENT")
  String[] weights;

  @Option(names = "--reason", required = true, description = "Why (recorded in the audit trail).")
  String reason;

  @Override
  public Integer call() {
    Map<String, Double> wanted = parse();
    FlagState state = openBackend().control().setWeights(flag, wanted, change(reason));
    if (!state.weights().keySet().containsAll(wanted.keySet())
        || wanted.entrySet().stream()
            .anyMatch(e -> Math.abs(state.share(e.getKey()) - e.getValue()) > 1e-9)) {
      throw new AssignmentProbe.VerificationException(
          "flag '"
              + flag
              + "': the read-back shows "
              + StatePrinter.weights(state)
              + ", not the write");
    }
    if (json) {
      printJson(result(state).put("verified", "the read-back equals the write"));
      return ExitCodes.OK;
    }
    StatePrinter.print(out(), state);
    out().println("verified: the read-back equals the write");
    return 0;
  }

  private Map<String, Double> parse() {
    Map<String, Double> parsed = new LinkedHashMap<>();
    for (String pair : weights) {
      int eq = pair.indexOf('=');
      try {
        if (eq <= 0) {
          throw new NumberFormatException();
        }
        parsed.put(pair.substring(0, eq), Double.parseDouble(pair.substring(eq + 1)));
      } catch (NumberFormatException e) {
        throw new ParameterException(
            spec.commandLine(),
            "weight '" + pair + "': expected VARIANT=PERCENT, such as canary=5");
      }
    }
    return parsed;
  }
}
