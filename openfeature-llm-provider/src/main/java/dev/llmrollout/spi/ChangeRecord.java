package dev.llmrollout.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One write-back as the source recorded it, with the flag's state before and after.
 *
 * @param time when the write happened
 * @param flag the flag written
 * @param action {@code set-weights}, {@code kill} or {@code restore}
 * @param before the state before the write (enabled, defaultVariant, weights, killedTo, version)
 * @param after the state after the write, in the same shape
 * @param reason why, as the writer said
 * @param actor who wrote it
 */
public record ChangeRecord(
    Instant time,
    String flag,
    String action,
    JsonNode before,
    JsonNode after,
    String reason,
    String actor) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A flag state in the shape {@code before} and {@code after} use. */
  public static JsonNode snapshotOf(FlagState state) {
    ObjectNode tree = JSON.createObjectNode();
    tree.put("enabled", state.enabled());
    tree.put("defaultVariant", state.defaultVariant());
    tree.set("weights", JSON.valueToTree(state.weights()));
    tree.put("killedTo", state.killedTo().orElse(null));
    tree.put("version", state.version());
    return tree;
  }
}
