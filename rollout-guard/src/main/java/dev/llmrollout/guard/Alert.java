package dev.llmrollout.guard;

import java.time.Instant;

/**
 * Something a person must hear about: a rollback, a halt, a held step, a write-back in trouble.
 *
 * @param at when, on the guard's clock
 * @param severity how urgent
 * @param flagKey the flag
 * @param title one line
 * @param detail the reason with its statistics
 */
public record Alert(Instant at, Severity severity, String flagKey, String title, String detail) {

  /** How urgent an alert is. */
  public enum Severity {
    INFO,
    WARNING,
    CRITICAL
  }
}
