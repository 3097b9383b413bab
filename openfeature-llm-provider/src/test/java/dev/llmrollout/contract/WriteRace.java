package dev.llmrollout.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.WriteBackException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Two independent write-backs release, together, a write conditional on the same version, round
 * after round, and the outcome of each round is classified from what the writers were told and what
 * the source holds afterwards.
 *
 * @param <T> what the raced write sets: weights, or a rollout record
 */
final class WriteRace<T> {

  /**
   * The write two writers race with: what each writes in a round, how, and where the state read
   * back shows it.
   */
  interface RacedWrite<V> {
    /** Names the race in its line: {@code <name> race on <backend>}. */
    String name();

    /**
     * What the first ({@code writer} 0) or second writer writes in {@code round}: different for
     * each writer and round, so no write is a no-op and every landing is seen.
     */
    V value(int round, int writer);

    FlagState write(RolloutControl control, String flagKey, V value, ChangeRequest request);

    V held(FlagState state);
  }

  /** Both writers set the flag's weights. */
  static final RacedWrite<Map<String, Double>> WEIGHTS =
      new RacedWrite<>() {
        @Override
        public String name() {
          return "write";
        }

        @Override
        public Map<String, Double> value(int round, int writer) {
          double step = 1 + round % 40;
          return writer == 0
              ? FlagSpec.split(100 - step, step)
              : FlagSpec.split(50 - step, 50 + step);
        }

        @Override
        public FlagState write(
            RolloutControl control, String flagKey, Map<String, Double> value, ChangeRequest r) {
          return control.setWeights(flagKey, value, r);
        }

        @Override
        public Map<String, Double> held(FlagState state) {
          return state.weights();
        }
      };

  /** Both writers store a rollout record next to the flag, as two controllers renewing a lease. */
  static final RacedWrite<Optional<String>> ROLLOUT_RECORD =
      new RacedWrite<>() {
        @Override
        public String name() {
          return "rollout record";
        }

        @Override
        public Optional<String> value(int round, int writer) {
          return Optional.of("{\"round\":" + round + ",\"holder\":\"guard-" + writer + "\"}");
        }

        @Override
        public FlagState write(
            RolloutControl control, String flagKey, Optional<String> value, ChangeRequest r) {
          return control.writeRolloutRecord(flagKey, value.orElseThrow(), r);
        }

        @Override
        public Optional<String> held(FlagState state) {
          return state.rolloutRecord();
        }
      };

  /** What one round ended as. */
  enum Outcome {
    /** One writer succeeded and its write is what the source holds; the other got CONFLICT. */
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
      String race,
      int rounds,
      int successes,
      int conflicts,
      int notVerified,
      int losses,
      int reportedOverwrites,
      List<String> failures) {
    String line(String backend) {
      return String.format(
          "%s race on %s: %d rounds, %d successes, %d conflicts, %d silent losses,"
              + " %d overwrites reported NOT_VERIFIED, %d other failures %s",
          race,
          backend,
          rounds,
          successes,
          conflicts,
          losses,
          reportedOverwrites,
          failures.size(),
          failures.subList(0, Math.min(3, failures.size())));
    }

    /**
     * What a source with compare-and-set shows: no update lost or overwritten, every loser told
     * CONFLICT, at most one winner a round, and some winners.
     */
    void assertCompareAndSet(String line) {
      assertThat(losses).as(line).isZero();
      assertThat(reportedOverwrites).as(line).isZero();
      assertThat(successes + conflicts).as(line).isEqualTo(2 * rounds);
      assertThat(successes).as(line).isLessThanOrEqualTo(rounds).isPositive();
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

  private final RacedWrite<T> write;
  private final RolloutControl first;
  private final RolloutControl second;
  private final String flagKey;

  WriteRace(RacedWrite<T> write, RolloutControl first, RolloutControl second, String flagKey) {
    this.write = write;
    this.first = first;
    this.second = second;
    this.flagKey = flagKey;
  }

  Tally run(int rounds) throws Exception {
    int successes = 0;
    int conflicts = 0;
    int notVerified = 0;
    int losses = 0;
    int reportedOverwrites = 0;
    List<String> failures = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < rounds; round++) {
        T firstValue = write.value(round, 0);
        T secondValue = write.value(round, 1);
        String version = first.state(flagKey).version();
        CyclicBarrier start = new CyclicBarrier(2);
        CompletableFuture<Told> a = submit(pool, start, first, firstValue, version, "A" + round);
        CompletableFuture<Told> b = submit(pool, start, second, secondValue, version, "B" + round);
        Told toldA = a.get(120, TimeUnit.SECONDS);
        Told toldB = b.get(120, TimeUnit.SECONDS);
        T held = write.held(first.state(flagKey));
        successes += (toldA.succeeded() ? 1 : 0) + (toldB.succeeded() ? 1 : 0);
        conflicts += (toldA.conflict() ? 1 : 0) + (toldB.conflict() ? 1 : 0);
        notVerified += (toldA.notVerified() ? 1 : 0) + (toldB.notVerified() ? 1 : 0);
        Outcome outcome = classify(toldA, firstValue, toldB, secondValue, held);
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
    return new Tally(
        write.name(),
        rounds,
        successes,
        conflicts,
        notVerified,
        losses,
        reportedOverwrites,
        failures);
  }

  private static <T> Outcome classify(Told a, T aValue, Told b, T bValue, T held) {
    boolean aBad = !a.succeeded() && !a.conflict();
    boolean bBad = !b.succeeded() && !b.conflict();
    if (a.succeeded() && b.succeeded()) {
      return Outcome.LOST_UPDATE; // both told success, one of the two writes is gone
    }
    if (a.succeeded() && !Objects.equals(held, aValue)
        || b.succeeded() && !Objects.equals(held, bValue)) {
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
      T value,
      String version,
      String writer) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            start.await(60, TimeUnit.SECONDS);
            ChangeRequest request = ChangeRequest.because("race").by(writer).ifVersion(version);
            return new Told(write.write(control, flagKey, value, request), null);
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
