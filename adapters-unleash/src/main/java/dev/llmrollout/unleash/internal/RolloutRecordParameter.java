package dev.llmrollout.unleash.internal;

import dev.llmrollout.spi.RolloutRecords;
import dev.llmrollout.spi.WriteBackException;

/**
 * Where a flag's rollout record lives in Unleash: the parameter {@value #NAME} of the managed
 * flexibleRollout strategy in the flag's environment, next to the kill memory. Strategy parameters
 * are strings ({@code parametersSchema}: {@code additionalProperties: {type: string}}, no maximum
 * length), they are part of the strategy the write-back {@code test}s and versions, and
 * flexibleRollout evaluation ignores parameters it does not know.
 *
 * <p>Unleash's Admin API reads JSON bodies up to 100 kB (express's default, which Unleash 8.2 keeps
 * for every route but the features batch), and a record write sends the record twice (the {@code
 * test} of the old one and the new one) with JSON escaping; {@value #MAX_CHARS} characters keeps
 * that under the limit. Unleash serves the parameter to SDKs with the strategy, so every SDK poll
 * carries the record too.
 */
public final class RolloutRecordParameter {
  /** The strategy parameter holding the record. */
  public static final String NAME = "llmRolloutRecord";

  /** The longest record stored, in characters. */
  public static final int MAX_CHARS = 16 * 1024;

  private RolloutRecordParameter() {}

  /**
   * @throws WriteBackException {@code INVALID_REQUEST} naming the flag and the field when the
   *     record is not JSON or longer than {@value #MAX_CHARS} characters
   */
  public static void validate(String flagKey, String environment, String recordJson) {
    String field = "environment '" + environment + "' strategy parameter " + NAME;
    RolloutRecords.requireStorable(flagKey, field, recordJson, MAX_CHARS);
  }
}
