package dev.llmrollout.unleash.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.ChangeRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the write-backs out of a flag's Unleash events ({@code GET /api/admin/search/events},
 * newest first): the strategy updates whose title {@link ChangeTitle} recognises, with the state
 * before and after taken from the event's {@code preData} and {@code data}. The environment switch
 * is replayed from the environment enabled/disabled events in the same log.
 */
public final class EventLogHistory {

  private EventLogHistory() {}

  public static List<ChangeRecord> changes(
      String flagKey, String environment, JsonNode newestFirst, int limit) {
    List<ChangeRecord> records = new ArrayList<>();
    boolean enabled = true;
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      JsonNode event = newestFirst.get(i);
      if (!environment.equals(event.path("environment").asText(environment))) {
        continue;
      }
      switch (event.path("type").asText()) {
        case "feature-environment-enabled" -> enabled = true;
        case "feature-environment-disabled" -> enabled = false;
        case "feature-strategy-update" -> record(flagKey, event, enabled).ifPresent(records::add);
        default -> {
          // other events (tags, metadata, strategy adds) are not write-backs
        }
      }
    }
    return records.subList(Math.max(0, records.size() - Math.max(0, limit)), records.size());
  }

  private static Optional<ChangeRecord> record(String flagKey, JsonNode event, boolean enabled) {
    JsonNode data = event.path("data");
    JsonNode preData = event.path("preData");
    if (data.path("variants").size() == 0 || preData.path("variants").size() == 0) {
      return Optional.empty();
    }
    return ChangeTitle.parse(data.path("title").asText())
        .map(
            title -> {
              // The environment switch follows the strategy update in the log, so derive it.
              boolean enabledAfter =
                  !turnedOff(data)
                      && (enabled || (turnedOff(preData) && "restore".equals(title.action())));
              return new ChangeRecord(
                  Instant.parse(event.path("createdAt").asText()),
                  flagKey,
                  title.action(),
                  ChangeRecord.snapshotOf(ManagedStrategy.from(flagKey, enabled, preData).state()),
                  ChangeRecord.snapshotOf(
                      ManagedStrategy.from(flagKey, enabledAfter, data).state()),
                  title.reason(),
                  title.actor());
            });
  }

  private static boolean turnedOff(JsonNode strategy) {
    return "true"
        .equals(strategy.path("parameters").path(ManagedStrategy.ENVIRONMENT_TURNED_OFF).asText());
  }
}
