package dev.llmrollout.signals;

import dev.llmrollout.signals.PairCounts.Field;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one pair or one verdict adds to each {@link PairCounts.Field}; one place for both stores.
 */
final class PairFields {
  private PairFields() {}

  /** The increments of one recorded pair (fields it leaves alone are absent). */
  static Map<Field, Long> of(PairObservation p) {
    Map<Field, Long> add = new EnumMap<>(Field.class);
    add.put(Field.PAIRS, 1L);
    boolean candidateRefused = !p.candidateError() && p.candidateRefusal();
    boolean primaryRefused = !p.primaryError() && p.primaryRefusal();
    count(add, Field.CANDIDATE_ONLY_REFUSALS, candidateRefused && !primaryRefused);
    count(add, Field.PRIMARY_ONLY_REFUSALS, primaryRefused && !candidateRefused);
    count(add, Field.CANDIDATE_ONLY_ERRORS, p.candidateError() && !p.primaryError());
    count(add, Field.PRIMARY_ONLY_ERRORS, p.primaryError() && !p.candidateError());
    if (p.jsonRequested()) {
      add.put(Field.JSON_REQUESTED, 1L);
      boolean candidateInvalid = !p.candidateValidJson();
      boolean primaryInvalid = !p.primaryValidJson();
      count(add, Field.CANDIDATE_ONLY_INVALID_JSON, candidateInvalid && !primaryInvalid);
      count(add, Field.PRIMARY_ONLY_INVALID_JSON, primaryInvalid && !candidateInvalid);
    }
    if (p.bothAnswered()) {
      add.put(Field.ANSWERED, 1L);
      add.put(Field.PRIMARY_TOKENS, p.primaryTokens());
      add.put(Field.CANDIDATE_TOKENS, p.candidateTokens());
      add.put(Field.PRIMARY_CHARS, p.primaryChars());
      add.put(Field.CANDIDATE_CHARS, p.candidateChars());
    }
    if (p.bothPriced()) {
      add.put(Field.PRICED, 1L);
      add.put(Field.PRIMARY_COST_NANO_USD, Math.round(p.primaryCostUsd() * 1e9));
      add.put(Field.CANDIDATE_COST_NANO_USD, Math.round(p.candidateCostUsd() * 1e9));
    }
    if (p.bothStreamed()) {
      add.put(Field.STREAMED, 1L);
      add.put(Field.PRIMARY_FIRST_TOKEN_MICROS, Math.round(p.primaryFirstTokenMillis() * 1e3));
      add.put(Field.CANDIDATE_FIRST_TOKEN_MICROS, Math.round(p.candidateFirstTokenMillis() * 1e3));
    }
    return add;
  }

  /** The increments of one judge verdict. */
  static Map<Field, Long> verdict(JudgePreference preference, double score) {
    if (!(score >= -1 && score <= 1)) {
      throw new IllegalArgumentException("judge score: expected -1 to 1, got " + score);
    }
    Map<Field, Long> add = new EnumMap<>(Field.class);
    long millis = Math.round(score * 1000);
    add.put(Field.JUDGED, 1L);
    count(add, Field.CANDIDATE_PREFERRED, preference == JudgePreference.CANDIDATE);
    count(add, Field.PRIMARY_PREFERRED, preference == JudgePreference.PRIMARY);
    add.put(Field.JUDGE_SCORE_MILLIS, millis);
    add.put(Field.JUDGE_SCORE_SQUARED_MICROS, millis * millis);
    return add;
  }

  private static void count(Map<Field, Long> add, Field field, boolean condition) {
    if (condition) {
      add.put(field, 1L);
    }
  }
}
