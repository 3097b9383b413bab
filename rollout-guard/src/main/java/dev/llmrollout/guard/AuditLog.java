package dev.llmrollout.guard;

/**
 * Where the guard writes its decisions. Implementations must be thread-safe and must not block for
 * long (the guard calls them on its checking thread).
 */
@FunctionalInterface
public interface AuditLog {

  /** Keeps {@code record}. */
  void record(AuditRecord record);

  /** A log that keeps nothing, for simulations that only count outcomes. */
  static AuditLog discarding() {
    return record -> {};
  }
}
