package dev.llmrollout.benchmarks;

import static dev.llmrollout.benchmarks.internal.ReportSection.millis;
import static dev.llmrollout.benchmarks.internal.ReportSection.verdict;

import dev.llmrollout.benchmarks.internal.AppConfigRig;
import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.KillSwitchTrials;
import dev.llmrollout.benchmarks.internal.KillSwitchTrials.FlagSwitch;
import dev.llmrollout.benchmarks.internal.KillSwitchTrials.Result;
import dev.llmrollout.benchmarks.internal.LaunchDarklyRestRig;
import dev.llmrollout.benchmarks.internal.LaunchDarklyStreamServer;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import dev.llmrollout.benchmarks.internal.UnleashRig;
import dev.llmrollout.launchdarkly.LaunchDarklyBackend;
import dev.llmrollout.launchdarkly.LaunchDarklyEndpoints;
import dev.llmrollout.local.LocalFileBackend;
import dev.llmrollout.local.LocalFileControl;
import dev.llmrollout.spi.BackendFactory;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.unleash.testing.UnleashServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Issue 9, point 5: the time from the start of a kill-switch write until every one of {@value
 * KillSwitchTrials#USERS} users evaluates to the safe variant through the provider, per backend;
 * then restore and repeat. Each write is the backend's {@code RolloutControl.kill}, what {@code
 * llm-router kill} does: the local file; LaunchDarkly's REST API on the local LaunchDarkly (plus a
 * row for the stream's {@code patch} alone); the real Unleash server, polled at {@value
 * #UNLEASH_POLL_SECONDS} s; the local AppConfig, polled at {@value #APPCONFIG_POLL_SECONDS} s.
 *
 * <p>Usage: {@code KillSwitchPropagation <section.md> <trials> <unleash-server.sh> <state dir>}.
 * When the environment sets {@code BENCH_UNLEASH_UNAVAILABLE} (the reason), or the Unleash server
 * cannot start, the Unleash row says "not measured" with the reason and the run goes on.
 */
public final class KillSwitchPropagation {
  /** How often the Unleash client polls: what the adapter's tests use; 1 s is its floor. */
  static final int UNLEASH_POLL_SECONDS = 1;

  /** The interval the local AppConfig hands out, as in the adapter's tests (AWS's floor is 15). */
  static final int APPCONFIG_POLL_SECONDS = 1;

  private static final long PUSH_REFERENCE_NANOS = 1_000_000_000L;
  private static final int COLUMNS = 9;

  private final ReportSection report;
  private final int trials;

  private KillSwitchPropagation(ReportSection report, int trials) {
    this.report = report;
    this.trials = trials;
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int trials = Integer.parseInt(args[1]);
    Path unleashScript = Path.of(args[2]);
    Path stateDirectory = Path.of(args[3]);
    ReportSection report = new ReportSection("5. Kill-switch propagation");
    describe(report, trials);
    KillSwitchPropagation run = new KillSwitchPropagation(report, trials);
    run.localFile();
    run.launchDarkly();
    run.unleash(unleashScript, stateDirectory);
    run.appConfig();
    report.endTable();
    report.write(out);
  }

  private static void describe(ReportSection report, int trials) {
    report.paragraph(
        "From the start of the kill write until all "
            + KillSwitchTrials.USERS
            + " users evaluate to the safe variant through the provider and the OpenFeature"
            + " client (every user evaluated round after round), "
            + trials
            + " kill/restore trials per backend. The write is the backend's"
            + " `RolloutControl.kill`, what `llm-router kill` does, including its own verification"
            + " (read back; for Unleash, until its client API serves the change; for AppConfig,"
            + " until the deployment is complete). Local file: the backend watches the file"
            + " (WatchService, 1 s poll fallback); the editor-save row writes the whole file as an editor"
            + " does, with no write-back, so it is the hot reload alone. LaunchDarkly: the REST"
            + " JSON Patch (conditional on the environment's flag version) on the local LaunchDarkly of the adapter's tests, which streams the change to the SDK; the"
            + " stream-only row is a `patch` event with no REST write. Unleash: the real server"
            + " (PostgreSQL + unleash-server from npm), the Java client polling every "
            + UNLEASH_POLL_SECONDS
            + " s. AppConfig: the local control and data plane of the adapter's tests, handing out"
            + " a "
            + APPCONFIG_POLL_SECONDS
            + " s poll interval (AWS's default is 60 s, its minimum 15 s).");
    report.paragraph(
        "Reference: the issue sets no number. For the pushed changes (file watch, stream) it is"
            + " the flag vendors' sub-second promise: under 1 s. A polling client cannot see a"
            + " change before its next poll, so for Unleash and AppConfig it is one poll interval"
            + " plus 1 s for the write and an evaluation round. *After write* is the propagation"
            + " left once the write returned. Times in milliseconds.");
    report.row(
        "backend",
        "trials",
        "write p50",
        "after write max",
        "propagation p50",
        "propagation max",
        "poll interval",
        "reference",
        "within reference");
    report.rule(COLUMNS);
  }

  private void localFile() throws Exception {
    try (ScratchDirectory directory = new ScratchDirectory("bench-kill")) {
      Path file = BenchFlags.write(directory.resolve("flags.json"), BenchFlags.STABLE_JSON, 0);
      Result result =
          KillSwitchTrials.run(
              LocalFileBackend.watching(file, Duration.ofSeconds(1)),
              KillSwitchTrials.through(new LocalFileControl(file)),
              trials);
      pushedRow("local file (`LocalFileControl.kill`)", result, "none (file watch)");
      pushedRow(
          "local file (hot reload of an editor save, no write-back)",
          KillSwitchTrials.run(
              LocalFileBackend.watching(file, Duration.ofSeconds(1)),
              editorSaves(file, directory.resolve("killed.json")),
              trials),
          "none (file watch)");
    }
  }

  /**
   * Saves of the whole file as an editor makes them (truncate, then write): the killed content is
   * what {@code LocalFileControl.kill} writes, prepared on a copy, so only the reload is measured.
   */
  private static FlagSwitch editorSaves(Path file, Path scratch) throws IOException {
    String restored = Files.readString(file);
    Files.writeString(scratch, restored);
    new LocalFileControl(scratch)
        .kill(
            BenchFlags.SPLIT_FLAG,
            KillSwitchTrials.SAFE_VARIANT,
            ChangeRequest.because("prepare the editor's killed file"));
    String killed = Files.readString(scratch);
    return new FlagSwitch() {
      @Override
      public void kill(int trial) throws IOException {
        Files.writeString(file, killed);
      }

      @Override
      public void restore(int trial) throws IOException {
        Files.writeString(file, restored);
      }
    };
  }

  private void launchDarkly() throws Exception {
    try (LaunchDarklyRestRig rig = LaunchDarklyRestRig.start()) {
      Result result =
          KillSwitchTrials.run(rig.backend(), KillSwitchTrials.through(rig.control()), trials);
      pushedRow("LaunchDarkly (REST write + stream)", result, "none (stream)");
    }
    try (LaunchDarklyStreamServer stream = LaunchDarklyStreamServer.start()) {
      FlagSwitch patch =
          new FlagSwitch() {
            @Override
            public void kill(int trial) throws IOException {
              stream.patch(LaunchDarklyStreamServer.flag(2 * trial + 2, false));
            }

            @Override
            public void restore(int trial) throws IOException {
              stream.patch(LaunchDarklyStreamServer.flag(2 * trial + 3, true));
            }
          };
      LaunchDarklyBackend backend =
          LaunchDarklyBackend.builder("sdk-benchmark-local")
              .endpoints(LaunchDarklyEndpoints.allAt(stream.baseUri()))
              .sendEvents(false)
              .build();
      pushedRow(
          "LaunchDarkly (stream `patch` only)",
          KillSwitchTrials.run(backend, patch, trials),
          "none (stream)");
    }
  }

  private void unleash(Path script, Path stateDirectory) throws Exception {
    String name = "Unleash (Admin API write, client polling)";
    String unavailable = System.getenv("BENCH_UNLEASH_UNAVAILABLE");
    if (unavailable != null && !unavailable.isBlank()) {
      notMeasured(name, unavailable);
      return;
    }
    UnleashServerProcess server;
    try {
      server = UnleashServerProcess.start(script, stateDirectory);
    } catch (Exception e) {
      notMeasured(name, "the Unleash server did not start: " + e.getMessage());
      return;
    }
    try (server;
        ScratchDirectory backups = new ScratchDirectory("bench-kill-unleash")) {
      UnleashRig rig = new UnleashRig(server, Duration.ofSeconds(UNLEASH_POLL_SECONDS), backups);
      rig.publishSplitFlag();
      Result result =
          KillSwitchTrials.run(rig.backend(), KillSwitchTrials.through(rig.control()), trials);
      polledRow(name, result, UNLEASH_POLL_SECONDS);
    }
  }

  private void appConfig() throws Exception {
    try (AppConfigRig rig = AppConfigRig.start(APPCONFIG_POLL_SECONDS)) {
      BackendFactory.Backend application = rig.open();
      BackendFactory.Backend cli = rig.open();
      try {
        Result result =
            KillSwitchTrials.run(
                application.flags(), KillSwitchTrials.through(cli.control()), trials);
        polledRow(
            "AppConfig (hosted version + deployment, data plane polling)",
            result,
            APPCONFIG_POLL_SECONDS);
      } finally {
        // The writer's own reader was never started; closing it releases its HTTP client.
        cli.flags().close();
      }
    }
  }

  /** A row for a change pushed to the client (file watch, stream): the reference is 1 s. */
  private void pushedRow(String name, Result result, String how) {
    row(name, result, how, "under 1 s", PUSH_REFERENCE_NANOS);
  }

  /** A row for a polling client: the reference is one poll interval plus 1 s. */
  private void polledRow(String name, Result result, int pollSeconds) {
    row(
        name,
        result,
        pollSeconds + " s",
        "poll + 1 s = " + (pollSeconds + 1) + " s",
        TimeUnit.SECONDS.toNanos(pollSeconds + 1L));
  }

  private void row(String name, Result result, String poll, String reference, long referenceNanos) {
    report.row(
        name,
        result.propagation().getTotalCount(),
        millis(result.write().getValueAtPercentile(50)),
        millis(result.afterWrite().getMaxValue()),
        millis(result.propagation().getValueAtPercentile(50)),
        millis(result.propagation().getMaxValue()),
        poll,
        reference,
        verdict(result.propagation().getMaxValue() < referenceNanos));
  }

  private void notMeasured(String name, String why) {
    String reason = why.replace('|', '/').replace('\n', ' ');
    System.err.println(name + ": not measured: " + reason);
    report.row(name, "not measured: " + reason, "—", "—", "—", "—", "—", "—", "—");
  }
}
