package dev.llmrollout.benchmarks;

import static dev.llmrollout.benchmarks.internal.ReportSection.millis;
import static dev.llmrollout.benchmarks.internal.ReportSection.verdict;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.LaunchDarklyStreamServer;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import dev.llmrollout.launchdarkly.LaunchDarklyBackend;
import dev.llmrollout.launchdarkly.LaunchDarklyEndpoints;
import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.local.LocalFileControl;
import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.VariantPayload;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Issue 9, point 5: the time from a kill-switch write until every one of 256 users evaluates to the
 * safe variant through the provider; then restore and repeat. Local file: the write is {@link
 * LocalFileControl#kill}, as {@code llm-router kill} does it. LaunchDarkly: the write is the
 * stream's {@code patch} turning the flag off (the REST round trip before it is not included).
 *
 * <p>Usage: {@code KillSwitchPropagation <section.md> <trials>}
 */
public final class KillSwitchPropagation {
  private static final int USERS = 256;
  private static final String SAFE_MODEL = "bench-safe";
  private static final long REFERENCE_NANOS = 1_000_000_000L;
  private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** One way of flipping the flag to its safe variant and back. */
  private interface Switch {
    void kill(int trial) throws IOException;

    void restore(int trial) throws IOException;
  }

  private KillSwitchPropagation() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path out = Path.of(args[0]);
    int trials = Integer.parseInt(args[1]);
    ReportSection report = new ReportSection("5. Kill-switch propagation");
    report.paragraph(
        "From the start of the kill write until all "
            + USERS
            + " users evaluate to the safe variant through the provider and the OpenFeature"
            + " client, "
            + trials
            + " kill/restore trials per backend. Local file: `LocalFileControl.kill` (what `llm-router"
            + " kill` does), the backend watching the file (WatchService, 1 s poll fallback)."
            + " LaunchDarkly: a `patch` event turning the flag off on the local stream, the REST"
            + " write before it not included. The issue sets no number; the reference is the flag"
            + " vendors' sub-second promise. Times in milliseconds.");
    report.row("backend", "trials", "write p50", "propagation p50", "propagation max", "under 1 s");
    report.rule(6);
    try (ScratchDirectory directory = new ScratchDirectory("bench-kill")) {
      Path file = BenchFlags.write(directory.resolve("flags.json"), BenchFlags.STABLE_JSON, 0);
      LocalFileControl control = new LocalFileControl(file);
      measure(
          report,
          "local file",
          LocalFileBackend.watching(file, Duration.ofSeconds(1)),
          new Switch() {
            @Override
            public void kill(int trial) {
              control.kill(BenchFlags.SPLIT_FLAG, "safe", ChangeRequest.because("benchmark"));
            }

            @Override
            public void restore(int trial) {
              control.restore(BenchFlags.SPLIT_FLAG, ChangeRequest.because("benchmark"));
            }
          },
          trials);
    }
    try (LaunchDarklyStreamServer stream = LaunchDarklyStreamServer.start()) {
      measure(
          report,
          "LaunchDarkly (local stream)",
          LaunchDarklyBackend.builder("sdk-benchmark-local")
              .endpoints(LaunchDarklyEndpoints.allAt(stream.baseUri()))
              .sendEvents(false)
              .build(),
          new Switch() {
            @Override
            public void kill(int trial) throws IOException {
              stream.patch(LaunchDarklyStreamServer.flag(2 * trial + 2, false));
            }

            @Override
            public void restore(int trial) throws IOException {
              stream.patch(LaunchDarklyStreamServer.flag(2 * trial + 3, true));
            }
          },
          trials);
    }
    report.endTable();
    report.write(out);
  }

  private static void measure(
      ReportSection report, String name, FlagBackend backend, Switch flag, int trials)
      throws IOException, InterruptedException {
    OpenFeatureAPI openFeature = OpenFeatureAPI.createIsolated();
    openFeature.setProviderAndWait(LlmFeatureProvider.builder(backend).build());
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
        flag.kill(trial);
        write.recordValue(System.nanoTime() - start);
        awaitEveryUser(client, users, true, start);
        propagation.recordValue(System.nanoTime() - start);
        flag.restore(trial);
        awaitEveryUser(client, users, false, System.nanoTime());
        // A pause so the next write is a separate file-system or stream event.
        Thread.sleep(200);
      }
    } finally {
      openFeature.shutdown();
    }
    report.row(
        name,
        propagation.getTotalCount(),
        millis(write.getValueAtPercentile(50)),
        millis(propagation.getValueAtPercentile(50)),
        millis(propagation.getMaxValue()),
        verdict(propagation.getMaxValue() < REFERENCE_NANOS));
  }

  private static void awaitEveryUser(
      Client client, EvaluationContext[] users, boolean killed, long start) {
    while (true) {
      int safe = 0;
      for (EvaluationContext user : users) {
        String model =
            client
                .getStringDetails(BenchFlags.SPLIT_FLAG, "", user)
                .getFlagMetadata()
                .getString(VariantPayload.META_MODEL);
        if (SAFE_MODEL.equals(model)) {
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
