package dev.llmrollout.appconfig.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.WriteBackException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.appconfig.model.DeploymentSummary;
import software.amazon.awssdk.services.appconfig.model.GetDeploymentResponse;

/**
 * A flag's recent changes read from AppConfig's deployment history: each deployment that changed
 * the flag's state, with the state before (the version in effect when it started) and after (its
 * own version). The adapter's own deployments carry reason, action and actor in their description;
 * others (the console, a pipeline) are reported as {@code deploy} by {@code appconfig}.
 */
public final class DeploymentHistory {
  /** How the adapter describes its deployments: {@code reason (flag: action, by actor)}. */
  private static final Pattern OWN = Pattern.compile("(?s)(.*) \\((\\S+): (.+), by (.+)\\)");

  private static final int SCAN = 50;

  private final ControlPlane plane;
  private final Deployments deployments;

  public DeploymentHistory(ControlPlane plane, Deployments deployments) {
    this.plane = plane;
    this.deployments = deployments;
  }

  /** The adapter's description of a change, which {@link #recentChanges} reads back. */
  public static String describe(String flagKey, String action, String reason, String actor) {
    return reason + " (" + flagKey + ": " + action + ", by " + actor + ")";
  }

  /** Up to {@code limit} changes of {@code flagKey}, oldest first. */
  public List<ChangeRecord> recentChanges(String flagKey, int limit) {
    List<DeploymentSummary> newestFirst = plane.deployments(flagKey, SCAN);
    Map<Integer, JsonNode> states = new HashMap<>();
    List<ChangeRecord> records = new ArrayList<>();
    for (int i = 0; i < newestFirst.size() && records.size() < limit; i++) {
      DeploymentSummary deployment = newestFirst.get(i);
      JsonNode after = state(flagKey, version(deployment), states);
      JsonNode before = NullNode.getInstance();
      for (int j = i + 1; j < newestFirst.size(); j++) {
        if (!ControlPlane.superseded(newestFirst.get(j).state())) {
          before = state(flagKey, version(newestFirst.get(j)), states);
          break;
        }
      }
      if (!sameRollout(before, after)) {
        records.add(record(flagKey, deployment, before, after));
      }
    }
    Collections.reverse(records);
    return records;
  }

  private ChangeRecord record(
      String flagKey, DeploymentSummary summary, JsonNode before, JsonNode after) {
    GetDeploymentResponse deployment = deployments.deployment(flagKey, summary.deploymentNumber());
    String description = Objects.toString(deployment.description(), "");
    Matcher own = OWN.matcher(description);
    String reason =
        description.isEmpty() ? "deployment " + summary.deploymentNumber() : description;
    String action = "deploy";
    String actor = "appconfig";
    if (own.matches() && own.group(2).equals(flagKey)) {
      reason = own.group(1);
      action = action(own.group(3));
      actor = own.group(4);
    }
    if (ControlPlane.superseded(summary.state())) {
      reason += " [deployment " + summary.deploymentNumber() + " " + summary.stateAsString() + "]";
    }
    return new ChangeRecord(summary.startedAt(), flagKey, action, before, after, reason, actor);
  }

  private static String action(String described) {
    if (described.startsWith("kill")) {
      return "kill";
    }
    return described.startsWith("restore") ? "restore" : "set-weights";
  }

  private JsonNode state(String flagKey, int version, Map<Integer, JsonNode> states) {
    return states.computeIfAbsent(
        version,
        v -> {
          try {
            return ChangeRecord.snapshotOf(
                plane.load(flagKey, v).state(flagKey, Integer.toString(v)));
          } catch (WriteBackException e) {
            return NullNode.getInstance();
          }
        });
  }

  /** Equal apart from the version: a redeploy of the same content changed nothing. */
  private static boolean sameRollout(JsonNode before, JsonNode after) {
    if (before.isNull() || after.isNull()) {
      return before.isNull() && after.isNull();
    }
    ObjectNode a = ((ObjectNode) before).deepCopy();
    ObjectNode b = ((ObjectNode) after).deepCopy();
    a.remove("version");
    b.remove("version");
    return a.equals(b);
  }

  private static int version(DeploymentSummary summary) {
    return Integer.parseInt(summary.configurationVersion());
  }
}
