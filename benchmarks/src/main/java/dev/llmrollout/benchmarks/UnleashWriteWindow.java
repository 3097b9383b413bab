package dev.llmrollout.benchmarks;

import dev.llmrollout.benchmarks.internal.BenchFlags;
import dev.llmrollout.benchmarks.internal.KillSwitchTrials;
import dev.llmrollout.benchmarks.internal.ReportSection;
import dev.llmrollout.benchmarks.internal.ScratchDirectory;
import dev.llmrollout.benchmarks.internal.UnleashRig;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import dev.llmrollout.unleash.testing.UnleashServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 18, point 2: how wide Unleash's conditional-write window is. Unleash has no
 * compare-and-set; the control's strategy PATCH opens with {@code test}s of the strategy as read,
 * which Unleash checks and then updates in two steps of one request. Two controls write on the same
 * version, the second starting a set delay after the first; a round ends with one write refused
 * (CONFLICT), or with both landed (the overwritten one reported NOT_VERIFIED), or with a silent
 * loss (both told success).
 *
 * <p>Usage: {@code UnleashWriteWindow <section.md> <rounds> <unleash-server.sh> <state dir> <delays
 * ms, comma-separated>}.
 */
public final class UnleashWriteWindow {
  private static final int COLUMNS = 5;

  private UnleashWriteWindow() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    ReportSection report = new ReportSection("5b. Unleash conditional-write window");
    report.paragraph(
        "Two write-backs (`UnleashRolloutControl.setWeights`, conditional on the same version) on"
            + " the real Unleash server, the second started the given delay after the first, "
            + rounds
            + " rounds per delay. Unleash has no compare-and-set: each write is a strategy PATCH"
            + " opening with `test`s of the strategy as read, which Unleash checks and then"
            + " updates in two steps of one request. *Refused* rounds told the later writer"
            + " CONFLICT; in *both landed* rounds the overwritten writer was told NOT_VERIFIED;"
            + " *silent losses* told both writers success.");
    report.row("delay (ms)", "rounds", "refused (CONFLICT)", "both landed", "silent losses");
    report.rule(COLUMNS);
    UnleashServerProcess server = UnleashServerProcess.start(Path.of(args[2]), Path.of(args[3]));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (server;
        ScratchDirectory backups = new ScratchDirectory("bench-unleash-window")) {
      UnleashRig rig = new UnleashRig(server, Duration.ofSeconds(1), backups);
      rig.publishSplitFlag();
      RolloutControl first = rig.control();
      RolloutControl second = rig.control();
      int round = 0;
      for (String delay : args[4].split(",")) {
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(delay.trim()));
        int[] counts = new int[3];
        for (int i = 0; i < rounds; i++, round++) {
          counts[raceOnce(pool, first, second, round, delayNanos)]++;
        }
        report.row(delay.trim(), rounds, counts[0], counts[1], counts[2]);
      }
    } finally {
      pool.shutdownNow();
    }
    report.endTable();
    report.write(out);
  }

  /** 0: one write refused; 1: both landed, the overwritten one reported; 2: a silent loss. */
  private static int raceOnce(
      ExecutorService pool, RolloutControl first, RolloutControl second, int round, long delay)
      throws Exception {
    double step = 1 + round % 40;
    String version = first.state(BenchFlags.SPLIT_FLAG).version();
    CompletableFuture<Kind> a = write(pool, first, weights(100 - step, step), version, 0);
    CompletableFuture<Kind> b = write(pool, second, weights(50 - step, 50 + step), version, delay);
    Kind toldA = a.get(60, TimeUnit.SECONDS);
    Kind toldB = b.get(60, TimeUnit.SECONDS);
    if (toldA == null && toldB == null) {
      return 2;
    }
    Kind loser = toldA == null ? toldB : toldA;
    if ((toldA == null || toldB == null) && loser == Kind.CONFLICT) {
      return 0;
    }
    if ((toldA == null || toldB == null) && loser == Kind.NOT_VERIFIED) {
      return 1;
    }
    throw new IllegalStateException("round " + round + ": writers told " + toldA + " / " + toldB);
  }

  /** Null when the write succeeded, else the failure's kind. */
  private static CompletableFuture<Kind> write(
      ExecutorService pool,
      RolloutControl control,
      Map<String, Double> weights,
      String version,
      long delayNanos) {
    long start = System.nanoTime();
    return CompletableFuture.supplyAsync(
        () -> {
          LockSupport.parkNanos(delayNanos - (System.nanoTime() - start));
          try {
            control.setWeights(
                BenchFlags.SPLIT_FLAG,
                weights,
                ChangeRequest.because("write window").by("benchmark").ifVersion(version));
            return null;
          } catch (WriteBackException e) {
            return e.kind();
          }
        },
        pool);
  }

  private static Map<String, Double> weights(double stable, double canary) {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put("stable", stable);
    weights.put("canary", canary);
    weights.put(KillSwitchTrials.SAFE_VARIANT, 0.0);
    return weights;
  }
}
