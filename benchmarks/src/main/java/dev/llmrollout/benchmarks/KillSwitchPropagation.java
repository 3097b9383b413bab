package dev.llmrollout.benchmarks;

import static dev.llmrollout.benchmarks.internal.ReportSection.millis;
import static dev.llmrollout.benchmarks.internal.ReportSection.verdict;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.local.LocalFileControl;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.spi.ChangeRequest;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Issue 9, point 5 (local file): the time from the kill-switch write ({@code llm-router kill}'s
 * {@link LocalFileControl#kill}) until every one of 256 users evaluates to the safe variant through
 * the provider; then restore and repeat.
 *
 * <p>Usage: {@code KillSwitchPropagation <section.md> <trials>}
 */
public final class KillSwitchPropagation {
  private static final int USERS = 256;
  private static final long REFERENCE_NANOS = 1_000_000_000L;
  private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);

  private KillSwitchPropagation() {}

  public static void main(String[] args) throws InterruptedException {
    Path out = Path.of(args[0]);
    int trials = Integer.parseInt(args[1]);
    ScratchDirectory directory = new ScratchDirectory("bench-kill");
    Path file = BenchFlags.write(directory.resolve("flags.json"), BenchFlags.STABLE_JSON, 0);
    LocalFileControl control = new LocalFileControl(file);
    OpenFeatureAPI openFeature = OpenFeatureAPI.createIsolated();
    openFeature.setProviderAndWait(
        LlmFeatureProvider.builder(LocalFileBackend.watching(file, Duration.ofSeconds(1))).build());
    Client client = openFeature.getClient();
    EvaluationContext[] users = new EvaluationContext[USERS];
    for (int i = 0; i < USERS; i++) {
      users[i] = new ImmutableContext("user-" + i, Map.of("tier", new Value("free")));
    }
    Histogram propagation = new Histogram(GIVE_UP_NANOS, 3);
    Histogram write = new Histogram(GIVE_UP_NANOS, 3);
    try {
      for (int trial = 0; trial < trials; trial++) {
        long start = System.nanoTime();
        control.kill(BenchFlags.SPLIT_FLAG, "safe", ChangeRequest.because("kill-switch benchmark"));
        write.recordValue(System.nanoTime() - start);
        awaitEveryUser(client, users, true, start);
        propagation.recordValue(System.nanoTime() - start);
        control.restore(BenchFlags.SPLIT_FLAG, ChangeRequest.because("kill-switch benchmark"));
        awaitEveryUser(client, users, false, System.nanoTime());
        // A pause so the next write is a separate file-system event.
        Thread.sleep(200);
      }
    } finally {
      openFeature.shutdown();
      directory.close();
    }
    ReportSection report = new ReportSection("5. Kill-switch propagation");
    report.paragraph(
        "Local file: from the start of the kill write (LocalFileControl.kill, as `llm-router kill`"
            + " does it) until all "
            + USERS
            + " users evaluate to the safe variant through the OpenFeature client; the backend"
            + " watches the file (WatchService, 1 s poll fallback). "
            + trials
            + " kill/restore trials. The issue sets no number; the reference is the flag vendors'"
            + " sub-second promise. Times in milliseconds.");
    report.row("backend", "trials", "write p50", "propagation p50", "propagation max", "under 1 s");
    report.rule(6);
    report.row(
        "local file",
        propagation.getTotalCount(),
        millis(write.getValueAtPercentile(50)),
        millis(propagation.getValueAtPercentile(50)),
        millis(propagation.getMaxValue()),
        verdict(propagation.getMaxValue() < REFERENCE_NANOS));
    report.endTable();
    report.write(out);
  }

  private static void awaitEveryUser(
      Client client, EvaluationContext[] users, boolean killed, long start) {
    while (true) {
      int safe = 0;
      for (EvaluationContext user : users) {
        if ("safe".equals(client.getStringDetails(BenchFlags.SPLIT_FLAG, "", user).getVariant())) {
          safe++;
        }
      }
      if (killed ? safe == users.length : safe == 0) {
        return;
      }
      if (System.nanoTime() - start > GIVE_UP_NANOS) {
        throw new IllegalStateException(
            (killed ? "kill" : "restore") + " did not reach every user within 30 s");
      }
      Thread.onSpinWait();
    }
  }
}
