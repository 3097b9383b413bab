package dev.llmrollout.benchmarks;

import dev.llmrollout.benchmarks.internal.ClassHistogram;
import dev.llmrollout.benchmarks.internal.GatewayProcess;
import dev.llmrollout.benchmarks.internal.ReportSection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The gateway's live heap (after a full GC) and its class histogram with no stream and with all
 * streams in flight: the difference over the streams in flight is what one stream holds, by class.
 * A probe that fails (a gateway out of heap may not answer jcmd) is reported, not fatal.
 */
record HeapPerStream(HeapPerStream.Sample noStreams, HeapPerStream.Sample withStreams) {
  private static final int GROWTH_ROWS = 12;

  /** One probe: live bytes and histogram, or why it could not be taken. */
  record Sample(
      int streams,
      long liveBytes,
      Optional<String> histogramText,
      Optional<ClassHistogram> histogram,
      String failure) {

    String describeLive() {
      return liveBytes < 0
          ? "not measured"
          : String.format(Locale.ROOT, "%.1f", liveBytes / (1024.0 * 1024.0));
    }
  }

  /** Probes the gateway with {@code streams} streams in flight. */
  static Sample sample(GatewayProcess gateway, int streams) {
    try {
      long live = gateway.heapUsedAfterGc();
      String text = gateway.jcmd("GC.class_histogram");
      return new Sample(
          streams, live, Optional.of(text), Optional.of(ClassHistogram.parse(text)), "");
    } catch (RuntimeException e) {
      return new Sample(streams, -1, Optional.empty(), Optional.empty(), e.getMessage());
    }
  }

  /** Live bytes per stream in flight, or "not measured" and why. */
  String describePerStream() {
    if (noStreams.liveBytes() < 0 || withStreams.liveBytes() < 0) {
      return "not measured: " + noStreams.failure() + withStreams.failure();
    }
    if (withStreams.streams() == 0) {
      return "not measured: no stream was in flight";
    }
    double perStream =
        (withStreams.liveBytes() - noStreams.liveBytes()) / (double) withStreams.streams();
    return String.format(Locale.ROOT, "%.1f", perStream / 1024);
  }

  /**
   * Live object bytes per stream in flight from the two histograms' totals, or "not measured". More
   * exact than {@link #describePerStream}: the heap's "used" after {@code GC.run} also counts what
   * the gateway allocated before the next jcmd read it (seconds, on a loaded machine, with every
   * stream receiving events), while a histogram counts the live objects of its own collection.
   */
  String describeObjectsPerStream() {
    if (noStreams.histogram().isEmpty() || withStreams.histogram().isEmpty()) {
      return "not measured: " + noStreams.failure() + withStreams.failure();
    }
    if (withStreams.streams() == 0) {
      return "not measured: no stream was in flight";
    }
    long growth =
        withStreams.histogram().get().totalBytes() - noStreams.histogram().get().totalBytes();
    return String.format(Locale.ROOT, "%.1f", growth / (double) withStreams.streams() / 1024);
  }

  /** Writes both histograms next to {@code report} ({@code <report>-histogram-N.txt}). */
  void writeHistograms(Path report) {
    write(report, noStreams);
    write(report, withStreams);
  }

  private static void write(Path report, Sample sample) {
    if (sample.histogramText().isEmpty()) {
      return;
    }
    Path file =
        report.resolveSibling(
            report.getFileName() + "-histogram-" + sample.streams() + "-streams.txt");
    try {
      Files.writeString(file, sample.histogramText().get());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The classes that grew most with the streams in flight, per stream. */
  void addGrowthTable(ReportSection report) {
    if (noStreams.histogram().isEmpty()
        || withStreams.histogram().isEmpty()
        || withStreams.streams() == 0) {
      return;
    }
    int inFlight = withStreams.streams();
    report.paragraph(
        String.format(
            Locale.ROOT,
            "What one stream holds at the gateway: the classes whose live instances grew most"
                + " between the two class histograms (no stream, %,d in flight), divided by the"
                + " streams in flight.",
            inFlight));
    report.row("class", "instances per stream", "bytes per stream");
    report.rule(3);
    for (ClassHistogram.Entry entry :
        withStreams.histogram().get().growthOver(noStreams.histogram().get(), GROWTH_ROWS)) {
      report.row(
          "`" + entry.className() + "`",
          String.format(Locale.ROOT, "%.2f", entry.instances() / (double) inFlight),
          String.format(Locale.ROOT, "%.0f", entry.bytes() / (double) inFlight));
    }
    report.endTable();
  }
}
