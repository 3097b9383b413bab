package dev.llmrollout.benchmarks.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's live objects by class ({@code jcmd <pid> GC.class_histogram}, which collects first), and
 * what one histogram holds more than another: with N streams open against none, the growth divided
 * by N is what each stream holds.
 */
public final class ClassHistogram {
  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  /** One class's instances and bytes. */
  public record Entry(String className, long instances, long bytes) {}

  private final Map<String, Entry> entries = new HashMap<>();

  private ClassHistogram() {}

  /** Reads the text {@code jcmd GC.class_histogram} prints. */
  public static ClassHistogram parse(String printed) {
    ClassHistogram histogram = new ClassHistogram();
    for (String line : printed.split("\n")) {
      Matcher row = ROW.matcher(line);
      if (row.find()) {
        Entry entry =
            new Entry(row.group(3), Long.parseLong(row.group(1)), Long.parseLong(row.group(2)));
        histogram.entries.merge(
            entry.className(),
            entry,
            (a, b) ->
                new Entry(a.className(), a.instances() + b.instances(), a.bytes() + b.bytes()));
      }
    }
    if (histogram.entries.isEmpty()) {
      throw new IllegalArgumentException("no class histogram rows in what jcmd printed");
    }
    return histogram;
  }

  /** Bytes of every live object the histogram counted. */
  public long totalBytes() {
    return entries.values().stream().mapToLong(Entry::bytes).sum();
  }

  /** The {@code limit} classes that grew most in bytes from {@code before} to this one. */
  public List<Entry> growthOver(ClassHistogram before, int limit) {
    List<Entry> growth = new ArrayList<>();
    for (Entry now : entries.values()) {
      Entry then = before.entries.getOrDefault(now.className(), new Entry(now.className(), 0, 0));
      growth.add(
          new Entry(
              now.className(), now.instances() - then.instances(), now.bytes() - then.bytes()));
    }
    growth.sort(Comparator.comparingLong(Entry::bytes).reversed());
    return growth.subList(0, Math.min(limit, growth.size()));
  }
}
