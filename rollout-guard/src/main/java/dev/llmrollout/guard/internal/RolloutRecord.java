package dev.llmrollout.guard.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.HoldReason;
import dev.llmrollout.guard.RolloutSpec;
import dev.llmrollout.guard.RolloutSpecJson;
import dev.llmrollout.guard.RolloutState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a durable rollout stores next to its flag (through {@code
 * RolloutControl.writeRolloutRecord}), enough for another controller to resume it at the same step
 * with the same bake clock, and to know who owns it until when.
 *
 * <p>JSON schema {@value #SCHEMA}: {@code {"schema":1, "rolloutId", "spec":{RolloutSpecJson},
 * "segments":[..], "state", "step", "steps":[{"startedAt","canaryPercent"}..], "shadowStartedAt",
 * "heldBecause", "heldKind", "automaticRollback", "rollbackVerified", "evalGate", "owner",
 * "leaseExpiresAt", "writtenAt"}}. Times are ISO-8601 instants. A widened first step has one entry
 * in "steps" per share it ran at (each below the second step's share). A reader refuses a schema
 * newer than its own; fields it does not know are ignored, and "heldKind", added within schema 1,
 * may be absent.
 *
 * @param rolloutId tells one rollout of a flag from the next
 * @param segments the segment values its rules are judged in, fixed at its start
 * @param progress its state, step, step starts and reasons
 * @param owner the controller that holds the lease
 * @param leaseExpiresAt when a standby may take the rollout over unless the owner renews
 */
public record RolloutRecord(
    String rolloutId,
    RolloutSpec spec,
    List<String> segments,
    RolloutProgress progress,
    String owner,
    Instant leaseExpiresAt,
    Instant writtenAt) {

  /** The schema version this guard writes and the newest it reads. */
  public static final int SCHEMA = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** When a canary step began and the canary share written for it. */
  public record StepStart(Instant startedAt, double canaryPercent) {}

  public RolloutRecord {
    Objects.requireNonNull(rolloutId, "rolloutId");
    segments = List.copyOf(segments);
    Objects.requireNonNull(progress, "progress");
  }

  /** The rollout's state as recorded. */
  public RolloutState state() {
    return progress.state();
  }

  /** Where the rollout stands and whose it is: "CANARY at step 2, owned by G until T". */
  public String standing() {
    return state()
        + " at step "
        + (progress.step() + 1)
        + ", owned by "
        + owner
        + " until "
        + leaseExpiresAt;
  }

  /** The same record, owned by {@code newOwner} until {@code expiry}, written at {@code now}. */
  public RolloutRecord withOwner(String newOwner, Instant expiry, Instant now) {
    return new RolloutRecord(rolloutId, spec, segments, progress, newOwner, expiry, now);
  }

  /** True while {@code now} is before the lease's expiry. */
  public boolean leaseLive(Instant now) {
    return now.isBefore(leaseExpiresAt);
  }

  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("schema", SCHEMA);
    node.put("rolloutId", rolloutId);
    node.set("spec", RolloutSpecJson.toNode(spec));
    ArrayNode segmentArray = node.putArray("segments");
    segments.forEach(segmentArray::add);
    node.put("state", progress.state().name());
    node.put("step", progress.step());
    ArrayNode stepArray = node.putArray("steps");
    for (StepStart s : progress.steps()) {
      stepArray
          .addObject()
          .put("startedAt", s.startedAt().toString())
          .put("canaryPercent", s.canaryPercent());
    }
    node.put("shadowStartedAt", progress.shadowStartedAt().map(Instant::toString).orElse(null));
    node.put("heldBecause", progress.heldBecause().orElse(null));
    node.put("heldKind", progress.heldKind().map(Enum::name).orElse(null));
    node.put("automaticRollback", progress.automaticRollback().orElse(null));
    node.put("rollbackVerified", progress.rollbackVerified());
    node.put("evalGate", progress.evalGate().orElse(null));
    node.put("owner", owner);
    node.put("leaseExpiresAt", leaseExpiresAt.toString());
    node.put("writtenAt", writtenAt.toString());
    return node.toString();
  }

  /**
   * Reads a record written by {@link #toJson}.
   *
   * @throws IllegalArgumentException naming the flag and the field that is missing or wrong, or a
   *     schema newer than {@value #SCHEMA}
   */
  public static RolloutRecord parse(String flagKey, String json) {
    String what = "rollout record of flag '" + flagKey + "'";
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + ": not JSON: " + e.getOriginalMessage(), e);
    }
    int schema = node.path("schema").asInt(-1);
    if (schema < 1 || schema > SCHEMA) {
      throw new IllegalArgumentException(
          what + ": schema is " + node.get("schema") + ", expected 1 to " + SCHEMA);
    }
    try {
      List<StepStart> steps = new ArrayList<>();
      for (JsonNode s : node.path("steps")) {
        steps.add(
            new StepStart(
                Instant.parse(s.path("startedAt").asText()), s.path("canaryPercent").asDouble()));
      }
      List<String> segments = new ArrayList<>();
      node.path("segments").forEach(v -> segments.add(v.asText()));
      return new RolloutRecord(
          required(what, node, "rolloutId"),
          RolloutSpecJson.fromNode(node.get("spec")),
          segments,
          new RolloutProgress(
              RolloutState.valueOf(required(what, node, "state")),
              node.path("step").asInt(-1),
              steps,
              optional(node, "shadowStartedAt").map(Instant::parse),
              optional(node, "heldBecause"),
              optional(node, "heldKind").map(HoldReason::valueOf),
              optional(node, "automaticRollback"),
              node.path("rollbackVerified").asBoolean(false),
              optional(node, "evalGate")),
          required(what, node, "owner"),
          Instant.parse(required(what, node, "leaseExpiresAt")),
          Instant.parse(required(what, node, "writtenAt")));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(what + ": a time is not an ISO-8601 instant: " + e, e);
    }
  }

  private static String required(String what, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(
          what + ": field '" + field + "' is " + value + ", expected a string");
    }
    return value.textValue();
  }

  private static Optional<String> optional(JsonNode node, String field) {
    return Optional.ofNullable(node.path(field).textValue());
  }
}
