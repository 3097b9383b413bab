package dev.llmrollout.contract;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.spi.ChangeHistory;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The contract kit's rollout record ({@link RolloutControl#writeRolloutRecord}), as the rollout
 * guard uses it: stored next to the flag and read back with the flag's version by any write-back,
 * fencing every write made on an older version, kept by the other writes, removable, checked
 * against the backend's storage before it is written, and left out of the flag's history. Where
 * each vendor stores it is the adapters' own tests.
 */
abstract class RolloutRecordContract extends ResilienceContract {
  private static final String RECORD = "{\"schema\":1,\"step\":2,\"lease\":{\"holder\":\"a\"}}";
  private static final String OTHER_RECORD = "{\"lease\":{\"holder\":\"b\"}}";
  private static final int RECORD_RACE_ROUNDS = 20;

  @Test
  void aRecordWrittenIsReadBackWithANewVersionByAnyWriteBackAndServesTheSameSplit()
      throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    RolloutControl control = harness.rolloutControl();
    FlagState before = control.state(FLAG);

    FlagState written = control.writeRolloutRecord(FLAG, RECORD, lease("a", before));

    assertThat(before.rolloutRecord()).isEmpty();
    assertThat(written.rolloutRecord()).contains(RECORD);
    assertThat(written.version())
        .as("the record is part of the version")
        .isNotEqualTo(before.version());
    assertThat(written.weights()).as("serving unchanged").isEqualTo(before.weights());
    assertThat(control.state(FLAG)).isEqualTo(written);
    assertThat(harness.rolloutControl().state(FLAG))
        .as("another write-back reads the same record and version")
        .isEqualTo(written);
  }

  @Test
  void aControllerThatReadAnOlderVersionGetsAConflictAndTheOtherRecordStays() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    RolloutControl control = harness.rolloutControl();
    FlagState seen = control.state(FLAG);
    FlagState taken =
        harness.rolloutControl().writeRolloutRecord(FLAG, OTHER_RECORD, lease("b", seen));

    assertConflict(() -> control.writeRolloutRecord(FLAG, RECORD, lease("a", seen)));
    assertConflict(() -> control.setWeights(FLAG, split(75, 25), lease("a", seen)));

    FlagState now = control.state(FLAG);
    assertThat(now.rolloutRecord()).contains(OTHER_RECORD);
    assertThat(now.weights()).isEqualTo(seen.weights());
    assertThat(now).as("neither refused write changed the flag").isEqualTo(taken);
  }

  /**
   * Two controllers write their record from the same version at the same instant, round after
   * round. What must never happen is both being told they won, or the one told so not holding the
   * record; each loser is told CONFLICT, or NOT_VERIFIED where the source has no compare-and-set
   * and both writes landed.
   */
  @Test
  void ofTwoControllersRacingFromTheSameVersionAtMostOneIsToldItWon() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    WriteRace<?> race =
        new WriteRace<>(
            WriteRace.ROLLOUT_RECORD, harness.rolloutControl(), harness.rolloutControl(), FLAG);

    WriteRace.Tally tally = race.run(RECORD_RACE_ROUNDS);

    String line = tally.line(harness.getClass().getSimpleName());
    System.out.println(line);
    int refusals = 2 * tally.rounds() - tally.successes();
    assertThat(tally.losses()).as(line).isZero();
    assertThat(refusals).as(line).isPositive();
    assertThat(tally.conflicts() + tally.notVerified())
        .as("every refusal is CONFLICT or NOT_VERIFIED: %s", line)
        .isEqualTo(refusals);
    harness.capabilities().require(Capability.ATOMIC_CONDITIONAL_WRITE, line);
    assertThat(tally.failures()).as(line).isEmpty();
    tally.assertCompareAndSet(line);
  }

  @Test
  void theRecordSurvivesAWeightsWriteAKillAndARestore() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    RolloutControl control = harness.rolloutControl();
    FlagState written = control.writeRolloutRecord(FLAG, RECORD, lease("a", control.state(FLAG)));

    FlagState stepped = control.setWeights(FLAG, split(75, 25), lease("a", written));
    FlagState killed = control.kill(FLAG, "stable", lease("a", stepped));
    List<FlagState> read = new ArrayList<>(List.of(control.state(FLAG)));
    FlagState restored = control.restore(FLAG, lease("a", killed));
    read.add(control.state(FLAG));

    assertThat(List.of(stepped, killed, restored))
        .allSatisfy(state -> assertThat(state.rolloutRecord()).contains(RECORD));
    assertThat(read).allSatisfy(state -> assertThat(state.rolloutRecord()).contains(RECORD));
    assertThat(read.get(1).killed()).isFalse();
    assertThat(restored.weights()).isEqualTo(split(75, 25));
    assertThat(restored.version()).isNotEqualTo(written.version());
  }

  @Test
  void aRemovedRecordLeavesTheFlagWithoutOne() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    RolloutControl control = harness.rolloutControl();
    FlagState written = control.writeRolloutRecord(FLAG, RECORD, lease("a", control.state(FLAG)));

    FlagState removed = control.writeRolloutRecord(FLAG, null, lease("a", written));

    assertThat(removed.rolloutRecord()).isEmpty();
    assertThat(harness.rolloutControl().state(FLAG).rolloutRecord()).isEmpty();
  }

  @Test
  void aRecordTooLongOrNotJsonIsRefusedNamingTheFlagAndTheField() throws Exception {
    harness.capabilities().require(Capability.ROLLOUT_RECORD_LIMIT);
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    BackendHarness.RecordLimit limit = harness.rolloutRecordLimit(FLAG);
    RolloutControl control = harness.rolloutControl();
    FlagState now = control.state(FLAG);
    String tooLong = "\"" + "x".repeat(limit.maxChars() - 1) + "\"";

    assertThatThrownBy(() -> control.writeRolloutRecord(FLAG, tooLong, lease("a", now)))
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST))
        .hasMessageContaining("flag '" + FLAG + "'")
        .hasMessageContaining(limit.field())
        .hasMessageContaining("at most " + limit.maxChars());
    assertThatThrownBy(() -> control.writeRolloutRecord(FLAG, "{step: 2", lease("a", now)))
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST))
        .hasMessageContaining("flag '" + FLAG + "'")
        .hasMessageContaining(limit.field())
        .hasMessageContaining("not JSON");
    assertThat(control.state(FLAG)).as("nothing written").isEqualTo(now);
  }

  @Test
  void recordWritesAreLeftOutOfTheFlagsHistory() throws Exception {
    RolloutControl control = harness.rolloutControl();
    ChangeHistory history = changeHistory(control);
    // A flag of its own: a source may keep the history of flags earlier tests published as FLAG.
    String flag = "record-history-" + System.nanoTime();
    harness.publish(FlagSpec.canarySplit(flag, 5));
    List<String> before = actions(history.recentChanges(flag, 10));

    FlagState written = control.writeRolloutRecord(flag, RECORD, lease("a", control.state(flag)));
    control.setWeights(flag, split(75, 25), lease("a", written));

    List<String> expected = new ArrayList<>(before);
    expected.add("set-weights");
    assertThat(actions(history.recentChanges(flag, 10))).isEqualTo(expected);
  }

  private static List<String> actions(List<ChangeRecord> changes) {
    return changes.stream().map(ChangeRecord::action).toList();
  }

  private static void assertConflict(ThrowingCallable write) {
    assertThatThrownBy(write)
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
  }

  /** A controller's write while it holds the lease, conditional on the version it read. */
  private static ChangeRequest lease(String holder, FlagState read) {
    return ChangeRequest.because("lease held").by("guard-" + holder).ifVersion(read.version());
  }
}
