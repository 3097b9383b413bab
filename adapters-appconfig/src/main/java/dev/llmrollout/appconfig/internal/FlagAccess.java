package dev.llmrollout.appconfig.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes one flag's split, kill memory and rollout record in one stored document format.
 */
interface FlagAccess {
  /**
   * @throws IllegalArgumentException naming the field when the stored flag cannot be read
   */
  FlagParts read(ObjectNode root, String flagKey);

  /** Sets the split (in order) and, when given, the default variant. */
  void writeSplit(
      ObjectNode root,
      String flagKey,
      Map<String, BigDecimal> weights,
      Optional<String> newDefault);

  /** Sets or, when empty, removes the kill memory. */
  void writeKill(
      ObjectNode root, String flagKey, Optional<String> killedTo, Optional<Integer> killedFrom);

  /** The rollout record stored with the flag, if any. */
  Optional<String> readRecord(ObjectNode root, String flagKey);

  /** Stores the rollout record with the flag, or removes it when empty. */
  void writeRecord(ObjectNode root, String flagKey, Optional<String> recordJson);

  /** Replaces the flag's whole definition in {@code to} with the one in {@code from}. */
  void copyFlag(ObjectNode from, ObjectNode to, String flagKey);

  /** A weight as JSON: whole numbers without a decimal point. */
  static JsonNode number(BigDecimal weight) {
    BigDecimal plain = weight.stripTrailingZeros();
    return plain.scale() <= 0 ? IntNode.valueOf(plain.intValueExact()) : DecimalNode.valueOf(plain);
  }
}
