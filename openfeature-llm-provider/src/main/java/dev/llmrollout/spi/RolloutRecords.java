package dev.llmrollout.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.spi.WriteBackException.Kind;

/** The checks every backend makes before it stores a rollout record next to a flag. */
public final class RolloutRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RolloutRecords() {}

  /**
   * @param field where the backend stores the record, for the error message
   * @param maxChars the longest record the backend's storage takes
   * @throws WriteBackException {@code INVALID_REQUEST} naming the flag and the field when the
   *     record is not JSON or longer than {@code maxChars} characters
   */
  public static void requireStorable(
      String flagKey, String field, String recordJson, int maxChars) {
    if (recordJson.length() > maxChars) {
      throw invalid(
          flagKey,
          field,
          "is " + recordJson.length() + " characters, expected at most " + maxChars);
    }
    try {
      JSON.readTree(recordJson);
    } catch (JsonProcessingException e) {
      throw invalid(flagKey, field, "is not JSON: " + e.getOriginalMessage());
    }
  }

  private static WriteBackException invalid(String flagKey, String field, String problem) {
    return new WriteBackException(
        Kind.INVALID_REQUEST,
        flagKey,
        "flag '" + flagKey + "': rollout record for " + field + " " + problem);
  }
}
