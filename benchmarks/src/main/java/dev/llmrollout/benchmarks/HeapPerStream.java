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
 * The gateway's live heap (after a full GC) and its class histogram with no stream open and with
 * all streams open: the difference over the open streams is what one stream holds, by class. A
 * probe that fails (a gateway out of heap may not answer jcmd) is reported, not fatal.
 */
record HeapPerStream(HeapPerStream.Sample noStreams, HeapPerStream.Sample withStreams) {
  private static final int GROWTH_ROWS = 12;

  /** One probe: live bytes and histogram, or why it could not be taken. */
  record Sample(
      int openStreams,
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

  /** Probes the gateway with {@code openStreams} streams open. */
  static Sample sample(GatewayProcess gateway, int openStreams) {
    try {
      long live = gateway.heapUsedAfterGc();
      String text = gateway.jcmd("GC.class_histogram");
      return new Sample(
          openStreams, live, Optional.of(text), Optional.of(ClassHistogram.parse(text)), "");
    } catch (RuntimeException e) {
      return new Sample(openStreams, -1, Optional.empty(), Optional.empty(), e.getMessage());
    }
  }

  /** Live bytes per open stream, or "not measured" and why. */
  String describePerStream() {
    if (noStreams.liveBytes() < 0 || withStreams.liveBytes() < 0) {
      return "not measured: " + noStreams.failure() + withStreams.failure();
    }
    if (withStreams.openStreams() == 0) {
      return "not measured: no stream was open";
    }
    double perStream =
        (withStreams.liveBytes() - noStreams.liveBytes()) / (double) withStreams.openStreams();
    return String.format(Locale.ROOT, "%.1f", perStream / 1024);
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
            report.getFileName() + "-histogram-" + sample.openStreams() + "-streams.txt");
    try {
      Files.writeString(file, sample.histogramText().get());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The classes that grew most with the streams open, per open stream. */
  void addGrowthTable(ReportSection report) {
    if (noStreams.histogram().isEmpty()
        || withStreams.histogram().isEmpty()
        || withStreams.openStreams() == 0) {
      return;
    }
    int open = withStreams.openStreams();
    report.paragraph(
        String.format(
            Locale.ROOT,
            "What one open stream holds: the classes whose live instances grew most between the"
                + " two class histograms (no stream open, %,d open), divided by the open streams.",
            open));
    report.row("class", "instances per stream", "bytes per stream");
    report.rule(3);
    for (ClassHistogram.Entry entry :
        withStreams.histogram().get().growthOver(noStreams.histogram().get(), GROWTH_ROWS)) {
      report.row(
          "`" + entry.className() + "`",
          String.format(Locale.ROOT, "%.2f", entry.instances() / (double) open),
          String.format(Locale.ROOT, "%.0f", entry.bytes() / (double) open));
    }
    report.endTable();
  }
}
