package dev.llmrollout.unleash.internal;

import dev.llmrollout.spi.ChangeRequest;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The strategy title a write-back leaves in Unleash, {@code llm-rollout kill: <reason> (by
 * <actor>)}: people see it in the console, and the event log keeps it with every change.
 *
 * @param action {@code set-weights}, {@code kill} or {@code restore}
 * @param reason why, as the writer said
 * @param actor who wrote it
 */
public record ChangeTitle(String action, String reason, String actor) {
  private static final Pattern FORMAT =
      Pattern.compile(
          "^llm-rollout (set-weights|kill|restore): (.*) \\(by (.*)\\)$", Pattern.DOTALL);

  /** The title for {@code action} made for {@code request}. */
  public static String of(String action, ChangeRequest request) {
    return new ChangeTitle(action, request.reason(), request.actor()).toString();
  }

  /** Reads a title back; empty for titles this project did not write. */
  public static Optional<ChangeTitle> parse(String title) {
    Matcher matcher = FORMAT.matcher(title == null ? "" : title);
    return matcher.matches()
        ? Optional.of(new ChangeTitle(matcher.group(1), matcher.group(2), matcher.group(3)))
        : Optional.empty();
  }

  @Override
  public String toString() {
    return "llm-rollout " + action + ": " + reason + " (by " + actor + ")";
  }
}
