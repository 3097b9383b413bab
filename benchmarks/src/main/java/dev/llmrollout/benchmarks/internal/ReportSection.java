package dev.llmrollout.benchmarks.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A markdown section of docs/PERFORMANCE.md, written by one benchmark to its own file. */
public final class ReportSection {
  private final StringBuilder text = new StringBuilder();

  public ReportSection(String title) {
    text.append("## ").append(title).append("\n\n");
  }

  /** Appends a paragraph. */
  public ReportSection paragraph(String paragraph) {
    text.append(paragraph).append("\n\n");
    return this;
  }

  /** Appends a table row (or header) of cells. */
  public ReportSection row(Object... cells) {
    text.append('|');
    for (Object cell : cells) {
      text.append(' ').append(cell).append(" |");
    }
    text.append('\n');
    return this;
  }

  /** Appends the separator under a header of {@code columns} cells. */
  public ReportSection rule(int columns) {
    text.append('|');
    text.append(" --- |".repeat(columns));
    text.append('\n');
    return this;
  }

  /** Ends a table. */
  public ReportSection endTable() {
    text.append('\n');
    return this;
  }

  /** "met" or "missed", for a goal line. */
  public static String verdict(boolean met) {
    return met ? "**met**" : "**missed**";
  }

  /** Nanoseconds as microseconds with one decimal. */
  public static String micros(double nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1_000.0);
  }

  /** Nanoseconds as milliseconds with two decimals. */
  public static String millis(double nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1_000_000.0);
  }

  /** A ratio with two decimals. */
  public static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** Writes the section to {@code file} and echoes it to standard output. */
  public void write(Path file) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    System.out.print(text);
  }
}
