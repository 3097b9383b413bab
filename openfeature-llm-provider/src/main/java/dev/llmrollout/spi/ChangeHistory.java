package dev.llmrollout.spi;

import java.util.List;

/**
 * A {@link RolloutControl} that can list its recent writes (the local file's audit log, a vendor's
 * audit trail), for operators asking "what changed?".
 */
public interface ChangeHistory {

  /** The most recent changes of {@code flagKey}, oldest first, at most {@code limit}. */
  List<ChangeRecord> recentChanges(String flagKey, int limit);
}
