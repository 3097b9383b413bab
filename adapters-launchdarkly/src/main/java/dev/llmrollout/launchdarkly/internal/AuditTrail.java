package dev.llmrollout.launchdarkly.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.FlagState;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads LaunchDarkly audit log entries as {@link ChangeRecord}s. Writes made by this project carry
 * {@code "<reason> [<action> by <actor> via llm-rollout]"} as their comment, which is read back
 * into action, reason and actor; other changes (made in the console) report LaunchDarkly's verb,
 * comment and member.
 */
public final class AuditTrail {
  private static final String SUFFIX = " via llm-rollout]";
  private static final Pattern OURS =
      Pattern.compile(
          "(?s)(.*) \\[(set-weights|kill|restore|rollout-record) by (.+) via llm-rollout\\]");
  private static final String RECORD_WRITE = " [rollout-record by ";

  private AuditTrail() {}

  /**
   * Whether an audit log item (listing or entry) is a rollout record write, which changes nothing
   * the flag serves and is left out of the flag's history, as the local backend leaves it out.
   */
  public static boolean isRecordWrite(JsonNode item) {
    String comment = item.path("comment").asText("");
    return comment.contains(RECORD_WRITE) && comment.endsWith(SUFFIX);
  }

  /** The audit comment for a write. */
  public static String comment(String action, String reason, String actor) {
    return reason + " [" + action + " by " + actor + SUFFIX;
  }

  /**
   * One record from a detailed entry ({@code GET /api/v2/auditlog/{id}}).
   *
   * @param environmentKey whose settings the before and after states are read from
   */
  public static ChangeRecord record(String flagKey, String environmentKey, JsonNode entry) {
    String comment = entry.path("comment").asText("");
    Matcher ours = OURS.matcher(comment);
    String action;
    String reason;
    String actor;
    if (ours.matches()) {
      reason = ours.group(1);
      action = ours.group(2);
      actor = ours.group(3);
    } else {
      reason = comment;
      action = entry.path("titleVerb").asText("changed the flag");
      actor = actorOf(entry);
    }
    return new ChangeRecord(
        Instant.ofEpochMilli(entry.path("date").asLong()),
        flagKey,
        action,
        state(flagKey, environmentKey, entry.path("previousVersion")),
        state(flagKey, environmentKey, entry.path("currentVersion")),
        reason,
        actor);
  }

  private static String actorOf(JsonNode entry) {
    if (entry.path("member").path("email").isTextual()) {
      return entry.path("member").path("email").asText();
    }
    if (entry.path("token").path("name").isTextual()) {
      return "token " + entry.path("token").path("name").asText();
    }
    return "unknown";
  }

  /** The state in the local backend's audit shape, or null when the entry has no such version. */
  private static JsonNode state(String flagKey, String environmentKey, JsonNode flag) {
    if (!flag.isObject()) {
      return null;
    }
    FlagState state;
    try {
      state = RestFlag.parse(flagKey, environmentKey, flag).toState();
    } catch (IllegalArgumentException e) {
      return null;
    }
    return ChangeRecord.snapshotOf(state);
  }
}
