package dev.llmrollout.signals;

/** Which answer of a shadow pair a judge preferred. */
public enum JudgePreference {
  PRIMARY,
  CANDIDATE,
  TIE
}
