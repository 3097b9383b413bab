package dev.llmrollout.unleash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import dev.llmrollout.unleash.internal.RolloutRecordParameter;
import dev.openfeature.sdk.ImmutableContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, point 4, on a real Unleash 8.2 server: the rollout record lives in the managed
 * strategy's {@code llmRolloutRecord} parameter, inside the version and the {@code test}ed patch of
 * every write; without compare-and-set in Unleash, a write that may have lost a race says so.
 */
class UnleashRolloutRecordTest {
  private static final String FLAG = "record-model";
  private static final String RECORD = "{\"schema\":1,\"step\":2,\"lease\":{\"holder\":\"a\"}}";

  private UnleashHarness harness;
  private UnleashRolloutControl control;

  @BeforeEach
  void setUp() throws Exception {
    harness = new UnleashHarness(UnleashServer.shared());
    harness.publish(FlagSpec.canarySplit(FLAG, 10));
    control = new UnleashRolloutControl(harness.settings(), null);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  @Test
  void aRecordWrittenIsReadBackWithANewVersionAndClientsServeTheSameSplit() throws Exception {
    FlagState before = control.state(FLAG);

    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", before));

    assertThat(written.rolloutRecord()).contains(RECORD);
    assertThat(written.version()).isNotEqualTo(before.version());
    assertThat(written.weights()).isEqualTo(before.weights());
    assertThat(control.state(FLAG)).isEqualTo(written);
    assertThat(harness.flags().parameters(FLAG).path(RolloutRecordParameter.NAME).asText())
        .isEqualTo(RECORD);
    harness.flags().awaitServedToClients(FLAG);
    try (UnleashBackend backend = new UnleashBackend(harness.settings())) {
      backend.start(new RecordingListener(), Duration.ofSeconds(30));
      int canary = 0;
      for (int i = 0; i < 1000; i++) {
        if ("canary"
            .equals(backend.resolve(FLAG, new ImmutableContext("user-" + i)).variant().name())) {
          canary++;
        }
      }
      // The record is a parameter flexibleRollout does not read: the 90/10 split still applies.
      assertThat(canary).isBetween(60, 140);
    }
  }

  @Test
  void aControllerThatReadAnOlderVersionGetsAConflictAndTheOtherRecordStays() {
    FlagState seen = control.state(FLAG);
    UnleashRolloutControl other = new UnleashRolloutControl(harness.settings(), null);
    other.writeRolloutRecord(FLAG, "{\"lease\":{\"holder\":\"b\"}}", guard("b", seen));

    assertThatThrownBy(() -> control.writeRolloutRecord(FLAG, RECORD, guard("a", seen)))
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThatThrownBy(() -> control.setWeights(FLAG, split(75, 25), guard("a", seen)))
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThat(control.state(FLAG).rolloutRecord()).contains("{\"lease\":{\"holder\":\"b\"}}");
  }

  /**
   * Two controllers write their record from the same version at the same instant, 10 times. Unleash
   * may let both patches pass their tests; what must never happen is both being told they won.
   */
  @Test
  void ofTwoControllersRacingFromTheSameVersionAtMostOneIsToldItWon() throws Exception {
    UnleashRolloutControl other = new UnleashRolloutControl(harness.settings(), null);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    int bothWon = 0;
    int oneWon = 0;
    List<Kind> refusals = new ArrayList<>();
    try {
      for (int trial = 0; trial < 10; trial++) {
        FlagState seen = control.state(FLAG);
        CyclicBarrier start = new CyclicBarrier(2);
        String a = "{\"trial\":" + trial + ",\"holder\":\"a\"}";
        String b = "{\"trial\":" + trial + ",\"holder\":\"b\"}";
        Future<Optional<String>> first = pool.submit(() -> race(control, a, seen, start));
        Future<Optional<String>> second = pool.submit(() -> race(other, b, seen, start));
        List<String> winners = new ArrayList<>();
        for (Future<Optional<String>> outcome : List.of(first, second)) {
          try {
            outcome.get().ifPresent(winners::add);
          } catch (java.util.concurrent.ExecutionException e) {
            WriteBackException refused = (WriteBackException) e.getCause();
            refusals.add(refused.kind());
          }
        }
        if (winners.size() == 2) {
          bothWon++;
        } else if (winners.size() == 1) {
          oneWon++;
          assertThat(control.state(FLAG).rolloutRecord()).contains(winners.get(0));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf(
        "Unleash record race, 10 trials: one told it won %d, both %d, refusals %s%n",
        oneWon, bothWon, refusals);
    assertThat(bothWon).isZero();
    assertThat(refusals).isNotEmpty().allMatch(k -> k == Kind.CONFLICT || k == Kind.NOT_VERIFIED);
  }

  private static Optional<String> race(
      UnleashRolloutControl control, String record, FlagState seen, CyclicBarrier start)
      throws Exception {
    start.await();
    control.writeRolloutRecord(FLAG, record, guard("racer", seen));
    return Optional.of(record);
  }

  @Test
  void theRecordSurvivesAWeightsWriteAKillAndARestore() {
    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", control.state(FLAG)));

    FlagState stepped = control.setWeights(FLAG, split(75, 25), guard("a", written));
    FlagState killed = control.kill(FLAG, "stable", guard("a", stepped));
    FlagState restored = control.restore(FLAG, guard("a", killed));

    assertThat(List.of(stepped, killed, restored))
        .allSatisfy(state -> assertThat(state.rolloutRecord()).contains(RECORD));
    assertThat(restored.weights()).isEqualTo(split(75, 25));
  }

  @Test
  void aRemovedRecordLeavesTheStrategyWithoutTheParameter() {
    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", control.state(FLAG)));
    FlagState removed = control.writeRolloutRecord(FLAG, null, guard("a", written));
    assertThat(removed.rolloutRecord()).isEmpty();
    assertThat(harness.flags().parameters(FLAG).has(RolloutRecordParameter.NAME)).isFalse();
  }

  @Test
  void aRecordTooLongOrNotJsonIsRefusedNamingTheFlagAndTheField() {
    String tooLong = "\"" + "x".repeat(RolloutRecordParameter.MAX_CHARS) + "\"";
    FlagState now = control.state(FLAG);
    assertThatThrownBy(() -> control.writeRolloutRecord(FLAG, tooLong, guard("a", now)))
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST))
        .hasMessageContaining("flag '" + FLAG + "'")
        .hasMessageContaining("strategy parameter llmRolloutRecord")
        .hasMessageContaining("at most " + RolloutRecordParameter.MAX_CHARS);
    assertThatThrownBy(() -> control.writeRolloutRecord(FLAG, "{step: 2", guard("a", now)))
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST))
        .hasMessageContaining("not JSON");
    assertThat(control.state(FLAG).version()).isEqualTo(now.version());
  }

  /** The longest record accepted fits in what Unleash's Admin API reads (100 kB bodies). */
  @Test
  void theLongestRecordIsAcceptedByUnleash() {
    // Quotes are the worst case: JSON escaping doubles them in the request body.
    String quotes = "[" + "\"\",".repeat((RolloutRecordParameter.MAX_CHARS - 5) / 3) + "\"\"]";
    FlagState first = control.writeRolloutRecord(FLAG, quotes, guard("a", control.state(FLAG)));
    String replaced = quotes.replace("[\"\"", "[\"x\"");
    FlagState second = control.writeRolloutRecord(FLAG, replaced, guard("a", first));
    assertThat(quotes.length()).isLessThanOrEqualTo(RolloutRecordParameter.MAX_CHARS);
    assertThat(second.rolloutRecord()).contains(replaced);
  }

  @Test
  void recordWritesAreLeftOutOfTheFlagsHistory() {
    // A flag of its own: Unleash keeps the events of the flags earlier tests published as FLAG.
    String flag = "record-history-" + System.nanoTime();
    harness.publish(FlagSpec.canarySplit(flag, 10));
    FlagState written = control.writeRolloutRecord(flag, RECORD, guard("a", control.state(flag)));
    control.setWeights(flag, split(75, 25), guard("a", written));
    assertThat(control.recentChanges(flag, 10))
        .singleElement()
        .satisfies(change -> assertThat(change.action()).isEqualTo("set-weights"));
  }

  private static ChangeRequest guard(String holder, FlagState read) {
    return ChangeRequest.because("lease held").by("guard-" + holder).ifVersion(read.version());
  }

  private static Map<String, Double> split(double stable, double canary) {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put("stable", stable);
    weights.put("canary", canary);
    return weights;
  }
}
