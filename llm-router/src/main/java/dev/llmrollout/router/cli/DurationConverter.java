package dev.llmrollout.router.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration the way operators write one: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
 * {@code 2d}, or ISO-8601 ({@code PT30S}).
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  @Override
  public Duration convert(String text) {
    return parse(text);
  }

  static Duration parse(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    Matcher shortForm = SHORT.matcher(trimmed);
    if (shortForm.matches()) {
      long amount = Long.parseLong(shortForm.group(1));
      return switch (shortForm.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      Duration parsed = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      if (parsed.isNegative()) {
        throw new TypeConversionException(
            "'" + text + "': expected a duration that is not negative");
      }
      return parsed;
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'" + text + "': expected a duration such as 30s, 5m, 1h or ISO-8601 PT30S");
    }
  }
}
