package dev.llmrollout.appconfig;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.WriteBackException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, point 2: AppConfig writes are conditional through CreateHostedConfigurationVersion's
 * {@code Latest-Version-Number} and StartDeployment's {@code LatestDeploymentNumber}, both read
 * before the document the change is computed from. Two controls (each with its own AWS clients)
 * writing with the same expected version, released together: at most one wins, the other is told
 * CONFLICT, and what is in effect afterwards is what the winner was told.
 */
class ConcurrentWritersTest {
  private static final String FLAG = "support-model";
  private static final int ROUNDS = 100;

  private AppConfigHarness harness;
  private ExecutorService pool;

  @BeforeEach
  void start() throws Exception {
    harness = new AppConfigHarness(DocumentFormat.FEATURE_FLAGS);
    harness.publish(FlagSpec.canarySplit(FLAG, 20));
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    harness.close();
  }

  private record Outcome(String writer, Map<String, Double> weights, WriteBackException failure) {
    boolean won() {
      return failure == null;
    }
  }

  @Test
  void twoControlsWithTheSameExpectedVersionNeverBothWinAndTheLoserIsToldConflict()
      throws Exception {
    RolloutControl a = harness.open().control();
    RolloutControl b = harness.open().control();
    int successes = 0;
    int conflicts = 0;
    int silentLosses = 0;
    List<String> otherFailures = new ArrayList<>();
    Map<String, Integer> conflictsBy = new LinkedHashMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      String read = a.state(FLAG).version();
      int step = round % 40;
      CyclicBarrier together = new CyclicBarrier(2);
      Future<Outcome> first = pool.submit(() -> write("A", a, 1 + step, read, together));
      Future<Outcome> second = pool.submit(() -> write("B", b, 50 + step, read, together));
      List<Outcome> outcomes = List.of(first.get(60, TimeUnit.SECONDS), second.get());
      FlagState after = a.state(FLAG);

      List<Outcome> winners = outcomes.stream().filter(Outcome::won).toList();
      successes += winners.size();
      for (Outcome outcome : outcomes) {
        if (outcome.won()) {
          continue;
        }
        if (outcome.failure().kind() == WriteBackException.Kind.CONFLICT) {
          conflicts++;
          conflictsBy.merge(conflictStage(outcome.failure().getMessage()), 1, Integer::sum);
        } else {
          otherFailures.add("round " + round + " " + outcome.writer() + ": " + outcome.failure());
        }
      }
      boolean lost =
          winners.size() > 1
              || (winners.size() == 1 && !after.weights().equals(winners.get(0).weights()))
              || (winners.isEmpty() && !after.version().equals(read));
      silentLosses += lost ? 1 : 0;
    }
    System.out.printf(
        "appconfig race, %d rounds of two controls with the same expected version:"
            + " %d successes, %d conflicts %s, %d silent losses, %d other failures %s%n",
        ROUNDS,
        successes,
        conflicts,
        conflictsBy,
        silentLosses,
        otherFailures.size(),
        otherFailures);

    assertThat(silentLosses).isZero();
    assertThat(otherFailures).isEmpty();
    assertThat(successes).isLessThanOrEqualTo(ROUNDS).isPositive();
    assertThat(successes + conflicts).isEqualTo(2 * ROUNDS);
  }

  /** The same change, reason and actor from both: still one winner, not two "landed" writes. */
  @Test
  void twoControlsMakingTheIdenticalChangeStillHaveOneWinner() throws Exception {
    RolloutControl a = harness.open().control();
    RolloutControl b = harness.open().control();
    for (int round = 0; round < 20; round++) {
      String read = a.state(FLAG).version();
      int canary = 1 + round;
      CyclicBarrier together = new CyclicBarrier(2);
      Future<Outcome> first = pool.submit(() -> write("guard", a, canary, read, together));
      Future<Outcome> second = pool.submit(() -> write("guard", b, canary, read, together));
      List<Outcome> outcomes = List.of(first.get(60, TimeUnit.SECONDS), second.get());

      assertThat(outcomes.stream().filter(Outcome::won)).as("round %d", round).hasSize(1);
      assertThat(outcomes.stream().filter(o -> !o.won()).findFirst().orElseThrow().failure().kind())
          .isEqualTo(WriteBackException.Kind.CONFLICT);
    }
  }

  @Test
  void aConsoleVersionCreatedBetweenTheReadAndTheWriteMakesTheWriteAConflict() throws Exception {
    RolloutControl control = harness.open().control();
    harness.appConfig.beforeNext(
        "POST", ".*/hostedconfigurationversions", () -> consoleEdit("console: 30 %", 30));

    assertThatThrownBy(
            () -> control.setWeights(FLAG, split(50, 50), ChangeRequest.because("guard step")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> assertThat(e.kind()).isEqualTo(WriteBackException.Kind.CONFLICT));
    assertThat(control.state(FLAG).weights()).isEqualTo(split(70, 30));
  }

  @Test
  void aConsoleDeploymentBetweenTheReadAndTheStartMakesTheWriteAConflict() throws Exception {
    RolloutControl control = harness.open().control();
    // The control's hosted version is created; before its deployment starts, the console deploys.
    harness.appConfig.beforeNext(
        "POST", ".*/environments/.*/deployments", () -> consoleEdit("console: 40 %", 40));

    assertThatThrownBy(
            () -> control.setWeights(FLAG, split(50, 50), ChangeRequest.because("guard step")))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(WriteBackException.Kind.CONFLICT);
              assertThat(e.getMessage()).contains("ConflictException", "LatestDeploymentNumber");
            });
    assertThat(control.state(FLAG).weights()).isEqualTo(split(60, 40));
  }

  @Test
  void aSecondControlRestoresWhatTheFirstKilled() throws Exception {
    RolloutControl killer = harness.open().control();
    FlagState killed = killer.kill(FLAG, "stable", ChangeRequest.because("incident 7"));
    assertThat(killed.killedTo()).contains("stable");

    RolloutControl restorer = harness.open().control();
    FlagState restored = restorer.restore(FLAG, ChangeRequest.because("incident 7 over"));

    assertThat(restored.killed()).isFalse();
    assertThat(restored.weights()).isEqualTo(split(80, 20));
    assertThat(killer.state(FLAG).weights()).isEqualTo(split(80, 20));
  }

  /** Which lock told the loser: the read's version check, the version lock or the deployment's. */
  private static String conflictStage(String message) {
    if (message.contains("hosted configuration version")) {
      return "Latest-Version-Number";
    }
    return message.contains("starting a deployment") ? "LatestDeploymentNumber" : "version read";
  }

  private Outcome write(
      String writer, RolloutControl control, int canary, String read, CyclicBarrier together)
      throws Exception {
    Map<String, Double> weights = split(100 - canary, canary);
    together.await(30, TimeUnit.SECONDS);
    try {
      control.setWeights(
          FLAG, weights, ChangeRequest.because("writer " + writer).by(writer).ifVersion(read));
      return new Outcome(writer, weights, null);
    } catch (WriteBackException e) {
      return new Outcome(writer, weights, e);
    }
  }

  private void consoleEdit(String description, int canary) {
    harness.flagsForConsole(FlagSpec.canarySplit(FLAG, canary));
    try {
      harness.deployContent(harness.render(), harness.consoleStrategy(), description);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
