package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;

/** Prints a rollout as the gateway describes it, for people. */
final class RolloutPrinter {
  private RolloutPrinter() {}

  static void print(PrintWriter out, JsonNode rollout) {
    String state = rollout.path("state").asText();
    out.printf(
        "flag '%s': rollout of '%s' (stable '%s'): %s%n",
        rollout.path("flag").asText(),
        rollout.path("canary").asText(),
        rollout.path("stable").asText(),
        state.equals("CANARY")
            ? "CANARY step %d of %d (%s%%)"
                .formatted(
                    rollout.path("step").asInt(),
                    rollout.path("steps").asInt(),
                    rollout.path("stepPercent").asText())
            : state);
    StringBuilder weights = new StringBuilder();
    for (Map.Entry<String, JsonNode> weight : rollout.path("weights").properties()) {
      weights.append(weights.isEmpty() ? "" : ", ");
      weights.append(weight.getKey()).append(' ').append(weight.getValue().asText()).append('%');
    }
    out.printf("weights: %s%n", weights);
    if (!rollout.path("killedTo").isNull() && rollout.has("killedTo")) {
      out.printf(
          "killed to '%s' (rollback verified: %s)%n",
          rollout.path("killedTo").asText(), rollout.path("rollbackVerified").asBoolean());
    }
    if (rollout.path("holdReason").isTextual()) {
      out.printf("hold: %s (not advancing until it clears)%n", rollout.path("holdReason").asText());
    }
    JsonNode last = rollout.path("lastCheck");
    if (last.isObject()) {
      out.printf(
          "last decision: %s at %s: %s%n",
          last.path("decision").asText(), last.path("at").asText(), last.path("reason").asText());
      for (JsonNode check : last.path("ruleChecks")) {
        if (check.path("broken").asBoolean()) {
          out.printf(
              "  broken: %s [%s] stable %s, canary %s%n",
              check.path("rule").asText(),
              check.path("segment").asText(),
              check.path("stableValue").asText(),
              check.path("canaryValue").asText());
        }
      }
    }
    if (!rollout.path("transitions").isEmpty()) {
      out.println("transitions:");
      for (JsonNode t : rollout.path("transitions")) {
        out.printf(
            "  %s  %s: %s%n",
            t.path("at").asText(), t.path("text").asText(), t.path("reason").asText());
      }
    }
  }
}
