package dev.llmrollout.router.cli;

import dev.llmrollout.router.gateway.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads every duration option as {@link Durations} does: {@code 30s}, {@code 5m}, ISO-8601. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String text) {
    return Durations.parse(text)
        .orElseThrow(
            () -> new TypeConversionException("'" + text + "': expected " + Durations.EXPECTED));
  }
}
