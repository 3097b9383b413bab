package dev.llmrollout.appconfig.internal;

import dev.llmrollout.spi.WriteBackException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollout record's place in a hosted document: the flag's attribute
 * (AWS.AppConfig.FeatureFlags) or metadata entry (flagd) {@value #NAME}, and its limits.
 *
 * <p>In an {@code AWS.AppConfig.FeatureFlags} document a string attribute value holds at most
 * {@value #PIECE_CHARS} characters ({@code attributeValue} in the feature-flags JSON schema), and
 * an array attribute holds strings of that length, so the record is stored as an array of pieces.
 * The whole document must stay under AppConfig's hosted configuration size quota; the adapter caps
 * the record at {@value #MAX_CHARS} characters, with the field named, so that lease renewals cannot
 * grow the document that every client downloads.
 */
public final class RolloutRecords {
  /** The attribute or metadata key. */
  public static final String NAME = "rolloutRecord";

  /** The longest string an {@code AWS.AppConfig.FeatureFlags} attribute value may hold. */
  public static final int PIECE_CHARS = 1024;

  /** The longest record stored, in characters. */
  public static final int MAX_CHARS = 32 * 1024;

  private RolloutRecords() {}

  /**
   * @throws WriteBackException {@code INVALID_REQUEST} naming the flag and the field when the
   *     record is not JSON or longer than {@value #MAX_CHARS} characters
   */
  public static void validate(String flagKey, String field, String recordJson) {
    dev.llmrollout.spi.RolloutRecords.requireStorable(flagKey, field, recordJson, MAX_CHARS);
  }

  /**
   * The record cut into pieces of at most {@value #PIECE_CHARS} characters, never inside a pair.
   */
  static List<String> pieces(String recordJson) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    while (start < recordJson.length()) {
      int end = Math.min(recordJson.length(), start + PIECE_CHARS);
      if (end < recordJson.length() && Character.isHighSurrogate(recordJson.charAt(end - 1))) {
        end--;
      }
      pieces.add(recordJson.substring(start, end));
      start = end;
    }
    return pieces;
  }
}
