package dev.llmrollout.guard;

import java.util.ArrayList;
import java.util.List;

/** An audit log that keeps the last records in memory, for tests, the CLI and diagnostics. */
public final class InMemoryAuditLog implements AuditLog {
  private final int capacity;
  private final List<AuditRecord> records = new ArrayList<>();

  /** Keeps at most {@code capacity} records, dropping the oldest. */
  public InMemoryAuditLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: expected 1 or more, got " + capacity);
    }
    this.capacity = capacity;
  }

  @Override
  public synchronized void record(AuditRecord record) {
    if (records.size() == capacity) {
      records.remove(0);
    }
    records.add(record);
  }

  /** A copy of the records kept, oldest first. */
  public synchronized List<AuditRecord> records() {
    return List.copyOf(records);
  }
}
