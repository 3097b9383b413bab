package dev.llmrollout.benchmarks;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 9, point 6 (flags): heap in use after a full GC with 1,000 and 10,000 model flags loaded by
 * the local-file backend under the provider, against the same JVM with a one-flag file.
 *
 * <p>Usage: {@code MemoryFootprint <section.md>}
 */
public final class MemoryFootprint {
  private static final int[] FLAG_COUNTS = {1_000, 10_000};

  private MemoryFootprint() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path out = Path.of(args[0]);
    ScratchDirectory directory = new ScratchDirectory("bench-memory");
    List<OpenFeatureAPI> loaded = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    ReportSection report = new ReportSection("6a. Heap per 1,000 flags loaded");
    try {
      // Load classes and warm the parser on a small file first, so they are not counted.
      loaded.add(load(directory, 0, files));
      long baseline = heapAfterGc();
      report.paragraph(
          "Local-file backend under the provider, each flag a 90/10 split behind a rule with three"
              + " full model variants (about 1 KiB of JSON per flag). Heap in use after a full GC,"
              + " in this JVM, against the same JVM with a one-flag file loaded.");
      report.row("flags loaded", "flags file (KiB)", "heap added (MiB)", "per 1,000 flags (MiB)");
      report.rule(4);
      for (int count : FLAG_COUNTS) {
        loaded.add(load(directory, count, files));
        long used = heapAfterGc() - baseline;
        baseline += used;
        report.row(
            count,
            Files.size(files.get(files.size() - 1)) / 1024,
            mib(used),
            mib(used * 1_000 / count));
      }
      report.endTable();
    } finally {
      loaded.forEach(OpenFeatureAPI::shutdown);
      directory.close();
    }
    report.write(out);
  }

  private static OpenFeatureAPI load(ScratchDirectory directory, int fillers, List<Path> files) {
    Path file =
        BenchFlags.write(
            directory.resolve("flags-" + fillers + ".json"), BenchFlags.STABLE_JSON, fillers);
    files.add(file);
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    api.setProviderAndWait(LlmFeatureProvider.builder(LocalFileBackend.watching(file)).build());
    return api;
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.2f", bytes / (1024.0 * 1024.0));
  }
}
