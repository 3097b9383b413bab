package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.BackendFactory.Backend;
import dev.llmrollout.spi.FlagState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The kill switch: all traffic of a flag to one safe variant, verified by evaluations. */
@Command(
    name = "kill",
    description = "Send every evaluation of FLAG to a safe variant, and verify it.",
    mixinStandardHelpOptions = true)
final class KillCommand extends OperatorVerb {
  @Parameters(index = "0", paramLabel = "FLAG")
  String flag;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "VARIANT",
      description = "The safe variant.")
  String variant;

  @Option(names = "--reason", required = true, description = "Why (recorded in the audit trail).")
  String reason;

  @Override
  public Integer call() {
    Backend backend = openBackend();
    Instant start = Instant.now();
    FlagState state = backend.control().kill(flag, variant, change(reason));
    if (!state.killedTo().map(variant::equals).orElse(false)) {
      throw new AssignmentProbe.VerificationException(
          "flag '"
              + flag
              + "': the read-back does not show the kill: "
              + StatePrinter.weights(state));
    }
    Duration written = Duration.between(start, Instant.now());
    try (AssignmentProbe probe = new AssignmentProbe(backend.flags(), flag, verifyTimeout)) {
      Duration seen =
          probe.awaitAssignments(
              counts -> counts.equals(Map.of(variant, AssignmentProbe.KEYS)),
              "every key on '" + variant + "'",
              verifyTimeout);
      if (json) {
        ObjectNode result = result(state);
        result
            .putObject("verified")
            .put("writtenMs", written.toMillis())
            .put("probeEvaluations", AssignmentProbe.KEYS)
            .put("variant", variant)
            .put("seenMs", seen.toMillis());
        printJson(result);
        return ExitCodes.OK;
      }
      StatePrinter.print(out(), state);
      out()
          .printf(
              "verified: written and read back in %d ms; all %d probe evaluations return '%s' (%d ms"
                  + " later)%n",
              written.toMillis(), AssignmentProbe.KEYS, variant, seen.toMillis());
    }
    return 0;
  }
}
