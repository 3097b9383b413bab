package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.FlagState;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Prints a flag's state for an operator at a terminal. */
final class StatePrinter {
  private StatePrinter() {}

  static void print(PrintWriter out, FlagState state) {
    out.printf(
        "flag %s  version %s  %s%n",
        state.flagKey(), state.version(), state.enabled() ? "enabled" : "DISABLED");
    state.killedTo().ifPresent(safe -> out.printf("  KILLED: every evaluation gets '%s'%n", safe));
    out.printf("  default variant: %s%n", state.defaultVariant());
    out.printf("  weights: %s%n", weights(state));
    out.printf("  variants: %s%n", String.join(", ", state.variants()));
  }

  static ObjectNode toJson(FlagState state) {
    ObjectNode node = GatewayAdminClient.json().createObjectNode();
    node.put("flag", state.flagKey());
    node.put("enabled", state.enabled());
    node.put("version", state.version());
    node.put("defaultVariant", state.defaultVariant());
    node.putPOJO("weights", state.weights());
    node.put("killedTo", state.killedTo().orElse(null));
    state.variants().forEach(node.putArray("variants")::add);
    return node;
  }

  static ArrayNode changesJson(List<ChangeRecord> changes) {
    ArrayNode array = GatewayAdminClient.json().createArrayNode();
    for (ChangeRecord change : changes) {
      array
          .addObject()
          .put("time", change.time().toString())
          .put("action", change.action())
          .put("actor", change.actor())
          .put("reason", change.reason());
    }
    return array;
  }

  static String weights(FlagState state) {
    if (state.weights().isEmpty()) {
      return "(not a single literal split; see the flag's targeting)";
    }
    return state.weights().entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s=%s%%", e.getKey(), percent(e.getValue())))
        .collect(Collectors.joining(" "));
  }

  private static String percent(double value) {
    return value == Math.rint(value)
        ? String.valueOf((long) value)
        : String.format(Locale.ROOT, "%.4f", value).replaceAll("0+$", "");
  }

  static void printChanges(PrintWriter out, List<ChangeRecord> changes) {
    if (changes.isEmpty()) {
      out.println("  recent changes: none recorded");
      return;
    }
    out.println("  recent changes:");
    for (ChangeRecord change : changes) {
      out.printf(
          "    %s  %-11s by %s: %s%n",
          change.time().truncatedTo(ChronoUnit.SECONDS),
          change.action(),
          change.actor(),
          change.reason());
    }
  }
}
