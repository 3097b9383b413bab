package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.BackendFactory.Backend;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The rollback fire drill: canary at 5 %, evaluations reach it, kill, every evaluation back on
 * stable, original state restored; each step timed.
 */
@Command(
    name = "drill",
    description =
        "Rollback fire drill on FLAG: 5%% canary, confirm it is served, roll back, confirm"
            + " everyone is on stable, restore the original state; prints each step's time.",
    mixinStandardHelpOptions = true)
final class DrillCommand extends OperatorVerb {
  @Parameters(index = "0", paramLabel = "FLAG")
  String flag;

  @Option(names = "--canary", required = true, paramLabel = "VARIANT")
  String canary;

  @Option(
      names = "--stable",
      paramLabel = "VARIANT",
      description = "The variant to roll back to (default: the flag's default variant).")
  String stable;

  private final ArrayNode steps = GatewayAdminClient.json().createArrayNode();

  @Override
  public Integer call() {
    Backend backend = openBackend();
    RolloutControl control = backend.control();
    FlagState original = control.state(flag);
    if (original.killed()) {
      throw new IllegalStateException(
          "flag '" + flag + "' is killed; restore it before running a drill");
    }
    String safe = stable != null ? stable : original.defaultVariant();
    try (AssignmentProbe probe = new AssignmentProbe(backend.flags(), flag, verifyTimeout)) {
      step(
          "set the canary to 5%",
          () -> control.setWeights(flag, split(safe, 95, 5), change("drill: canary at 5%")));
      step(
          "evaluations reach the canary",
          () ->
              probe.awaitAssignments(
                  c -> c.getOrDefault(canary, 0) > 0, "the canary served", verifyTimeout));
      step(
          "roll back (kill to '" + safe + "')",
          () -> control.kill(flag, safe, change("drill: rollback")));
      step(
          "every evaluation is on '" + safe + "'",
          () ->
              probe.awaitAssignments(
                  c -> c.equals(Map.of(safe, AssignmentProbe.KEYS)),
                  "everyone on " + safe,
                  verifyTimeout));
      step("restore the original state", () -> restore(control, original));
    }
    if (json) {
      ObjectNode result = result(control.state(flag));
      result.put("drill", "passed").set("steps", steps);
      printJson(result);
    } else {
      out().println("drill passed");
    }
    return ExitCodes.OK;
  }

  private FlagState restore(RolloutControl control, FlagState original) {
    FlagState restored = control.restore(flag, change("drill: undo the rollback"));
    if (original.weights().isEmpty()) {
      return restored;
    }
    return control.setWeights(
        flag, original.weights(), change("drill: back to the original split"));
  }

  private void step(String name, Supplier<?> action) {
    Instant start = Instant.now();
    action.get();
    long millis = Duration.between(start, Instant.now()).toMillis();
    if (json) {
      steps.addObject().put("step", name).put("ms", millis);
      return;
    }
    out().printf("  %-45s %6d ms%n", name, millis);
    out().flush();
  }

  private Map<String, Double> split(String safe, double safePercent, double canaryPercent) {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put(safe, safePercent);
    weights.put(canary, canaryPercent);
    return weights;
  }
}
