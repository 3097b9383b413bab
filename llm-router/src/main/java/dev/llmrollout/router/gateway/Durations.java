package dev.llmrollout.router.gateway;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them, the same in every option and request body: {@code 500ms},
 * {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, or ISO-8601 ({@code PT30S}).
 */
public final class Durations {
  /** What to tell someone whose duration did not read. */
  public static final String EXPECTED = "a duration such as 30s, 5m, 1h or ISO-8601 PT30S";

  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /** The duration {@code text} means, empty when it is not one (or is negative). */
  public static Optional<Duration> parse(String text) {
    String trimmed = text.strip().toLowerCase(Locale.ROOT);
    Matcher shortForm = SHORT.matcher(trimmed);
    if (shortForm.matches()) {
      long amount = Long.parseLong(shortForm.group(1));
      return Optional.of(
          switch (shortForm.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          });
    }
    try {
      Duration parsed = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
      return parsed.isNegative() ? Optional.empty() : Optional.of(parsed);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
