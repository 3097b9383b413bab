package dev.llmrollout.contract;

import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.WriteBackException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Two independent write-backs release, together, a write conditional on the same version, round
 * after round, and the outcome of each round is classified from what the writers were told and what
 * the source holds afterwards.
 */
final class WriteRace {

  /** What one round ended as. */
  enum Outcome {
    /** One writer succeeded and its weights are what the source holds; the other got CONFLICT. */
    ONE_WINNER,
    /** Both were told CONFLICT and the source still holds what they read. */
    NO_WINNER,
    /** A writer was told success but its write is not what the source holds. */
    LOST_UPDATE,
    /**
     * Both writes landed, and the one written over was reported {@code NOT_VERIFIED}: no silent
     * loss, but no CONFLICT either (a source without compare-and-set).
     */
    OVERWRITE_REPORTED,
    /** A writer failed with something other than CONFLICT. */
    OTHER_FAILURE
  }

  /** Totals over every round. */
  record Tally(
      int rounds,
      int successes,
      int conflicts,
      int losses,
      int reportedOverwrites,
      List<String> failures) {
    String line(String backend) {
      return String.format(
          "write race on %s: %d rounds, %d successes, %d conflicts, %d silent losses,"
              + " %d overwrites reported NOT_VERIFIED, %d other failures %s",
          backend,
          rounds,
          successes,
          conflicts,
          losses,
          reportedOverwrites,
          failures.size(),
          failures.subList(0, Math.min(3, failures.size())));
    }
  }

  private record Told(FlagState state, WriteBackException failure) {
    boolean succeeded() {
      return failure == null;
    }

    boolean conflict() {
      return failure != null && failure.kind() == WriteBackException.Kind.CONFLICT;
    }

    boolean notVerified() {
      return failure != null && failure.kind() == WriteBackException.Kind.NOT_VERIFIED;
    }
  }

  private final RolloutControl first;
  private final RolloutControl second;
  private final String flagKey;

  WriteRace(RolloutControl first, RolloutControl second, String flagKey) {
    this.first = first;
    this.second = second;
    this.flagKey = flagKey;
  }

  Tally run(int rounds) throws Exception {
    int successes = 0;
    int conflicts = 0;
    int losses = 0;
    int reportedOverwrites = 0;
    List<String> failures = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < rounds; round++) {
        // Weights differ from round to round, so no write is a no-op and every landing is seen.
        double step = 1 + round % 40;
        Map<String, Double> firstWeights = ContractFixture.split(100 - step, step);
        Map<String, Double> secondWeights = ContractFixture.split(50 - step, 50 + step);
        String version = first.state(flagKey).version();
        CyclicBarrier start = new CyclicBarrier(2);
        CompletableFuture<Told> a = submit(pool, start, first, firstWeights, version, "A" + round);
        CompletableFuture<Told> b =
            submit(pool, start, second, secondWeights, version, "B" + round);
        Told toldA = a.get(120, TimeUnit.SECONDS);
        Told toldB = b.get(120, TimeUnit.SECONDS);
        Map<String, Double> held = first.state(flagKey).weights();
        successes += (toldA.succeeded() ? 1 : 0) + (toldB.succeeded() ? 1 : 0);
        conflicts += (toldA.conflict() ? 1 : 0) + (toldB.conflict() ? 1 : 0);
        Outcome outcome = classify(toldA, firstWeights, toldB, secondWeights, held);
        if (outcome == Outcome.LOST_UPDATE) {
          losses++;
        } else if (outcome == Outcome.OVERWRITE_REPORTED) {
          reportedOverwrites++;
        } else if (outcome == Outcome.OTHER_FAILURE) {
          failures.add(
              "round "
                  + round
                  + ": "
                  + describe(toldA.failure())
                  + " / "
                  + describe(toldB.failure()));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return new Tally(rounds, successes, conflicts, losses, reportedOverwrites, failures);
  }

  private static Outcome classify(
      Told a,
      Map<String, Double> aWeights,
      Told b,
      Map<String, Double> bWeights,
      Map<String, Double> held) {
    boolean aBad = !a.succeeded() && !a.conflict();
    boolean bBad = !b.succeeded() && !b.conflict();
    if (a.succeeded() && b.succeeded()) {
      return Outcome.LOST_UPDATE; // both told success, one of the two writes is gone
    }
    if (a.succeeded() && !held.equals(aWeights) || b.succeeded() && !held.equals(bWeights)) {
      return Outcome.LOST_UPDATE;
    }
    if (a.notVerified() && b.succeeded() || b.notVerified() && a.succeeded()) {
      return Outcome.OVERWRITE_REPORTED;
    }
    if (aBad || bBad) {
      return Outcome.OTHER_FAILURE;
    }
    return a.succeeded() || b.succeeded() ? Outcome.ONE_WINNER : Outcome.NO_WINNER;
  }

  private CompletableFuture<Told> submit(
      ExecutorService pool,
      CyclicBarrier start,
      RolloutControl control,
      Map<String, Double> weights,
      String version,
      String writer) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            start.await(60, TimeUnit.SECONDS);
            return new Told(
                control.setWeights(
                    flagKey, weights, ChangeRequest.because("race").by(writer).ifVersion(version)),
                null);
          } catch (WriteBackException e) {
            return new Told(null, e);
          } catch (Exception e) {
            throw new IllegalStateException("writer " + writer + " could not start", e);
          }
        },
        pool);
  }

  private static String describe(WriteBackException e) {
    return e == null ? "success" : e.kind() + " " + e.getMessage();
  }
}
