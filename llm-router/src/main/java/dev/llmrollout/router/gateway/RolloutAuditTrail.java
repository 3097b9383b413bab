package dev.llmrollout.router.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.guard.AuditLog;
import dev.llmrollout.guard.AuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's audit log: the latest records of each flag in memory, for the admin API, and every
 * record appended as one JSON line to a file when one is configured, so decisions survive the
 * process.
 */
final class RolloutAuditTrail implements AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutAuditTrail.class);

  private final ObjectMapper json;
  private final int perFlag;
  private final Optional<Path> file;
  private final Map<String, Deque<AuditRecord>> records = new HashMap<>();

  /**
   * @param perFlag how many records to keep in memory per flag, dropping the oldest
   * @param file where to append every record as a JSON line, if anywhere
   */
  RolloutAuditTrail(ObjectMapper json, int perFlag, Optional<Path> file) {
    this.json = json;
    this.perFlag = perFlag;
    this.file = file;
    file.ifPresent(RolloutAuditTrail::checkWritable);
  }

  @Override
  public void record(AuditRecord record) {
    synchronized (records) {
      Deque<AuditRecord> flag = records.computeIfAbsent(record.flagKey(), k -> new ArrayDeque<>());
      if (flag.size() == perFlag) {
        flag.removeFirst();
      }
      flag.addLast(record);
    }
    file.ifPresent(path -> append(path, record));
  }

  /** The records kept for {@code flagKey}, oldest first. */
  List<AuditRecord> records(String flagKey) {
    synchronized (records) {
      return List.copyOf(records.getOrDefault(flagKey, new ArrayDeque<>()));
    }
  }

  private synchronized void append(Path path, AuditRecord record) {
    try {
      Files.writeString(
          path,
          json.writeValueAsString(RolloutJson.record(json, record)) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.error(
          "cannot append the audit record of flag '{}' to {}: {}",
          record.flagKey(),
          path,
          e.getMessage());
    }
  }

  private static void checkWritable(Path path) {
    try {
      Files.writeString(
          path, "", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--rollout-audit " + path + ": expected a file the gateway can append to", e);
    }
  }
}
