package dev.llmrollout.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.launchdarkly.internal.RolloutRecordProperty;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, point 4: the rollout record lives in the flag's custom property {@code
 * llm-rollout.production}, is part of the flag's version, is written conditionally on it, and
 * survives every other write-back.
 */
class RolloutRecordTest {
  private static final String FLAG = "support-model";
  private static final String RECORD = "{\"schema\":1,\"step\":2,\"lease\":{\"holder\":\"a\"}}";

  private LocalLaunchDarklyHarness harness;
  private LaunchDarklyRolloutControl control;

  @BeforeEach
  void open() throws Exception {
    harness = new LocalLaunchDarklyHarness();
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    control = harness.rolloutControl();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void aRecordWrittenIsReadBackWithANewVersionAndServesNothingNew() {
    FlagState before = control.state(FLAG);
    int sdkVersion = harness.server.flag(FLAG).orElseThrow().version();
    int streamed = harness.server.streamedFlagEvents();

    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", before));

    assertThat(written.rolloutRecord()).contains(RECORD);
    assertThat(written.version()).isNotEqualTo(before.version()).startsWith(sdkVersion + ":");
    assertThat(control.state(FLAG)).isEqualTo(written);
    assertThat(
            harness
                .server
                .flag(FLAG)
                .orElseThrow()
                .settings()
                .path("customProperties")
                .path("llm-rollout.production")
                .path("value")
                .get(0)
                .asText())
        .isEqualTo(RECORD);
    // Flag-level: the environment's (the SDK's) version does not move and nothing is streamed.
    assertThat(harness.server.flag(FLAG).orElseThrow().version()).isEqualTo(sdkVersion);
    assertThat(harness.server.streamedFlagEvents()).isEqualTo(streamed);
    assertThat(written.weights()).isEqualTo(before.weights());
  }

  @Test
  void aControllerThatLostTheRaceGetsAConflictAndTheWinnersRecordStays() {
    FlagState seen = control.state(FLAG);
    LaunchDarklyRolloutControl other = harness.rolloutControl();
    other.writeRolloutRecord(FLAG, "{\"lease\":{\"holder\":\"b\"}}", guard("b", seen));

    assertThatThrownBy(() -> control.writeRolloutRecord(FLAG, RECORD, guard("a", seen)))
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThatThrownBy(() -> control.setWeights(FLAG, split(75, 25), guard("a", seen)))
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    FlagState now = control.state(FLAG);
    assertThat(now.rolloutRecord()).contains("{\"lease\":{\"holder\":\"b\"}}");
    assertThat(now.weights()).isEqualTo(seen.weights());
  }

  @Test
  void theRecordSurvivesAWeightsWriteAKillAndARestore() {
    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", control.state(FLAG)));

    FlagState stepped = control.setWeights(FLAG, split(75, 25), guard("a", written));
    FlagState killed = control.kill(FLAG, "stable", guard("a", stepped));
    FlagState restored = control.restore(FLAG, guard("a", killed));

    assertThat(stepped.rolloutRecord()).contains(RECORD);
    assertThat(killed.rolloutRecord()).contains(RECORD);
    assertThat(restored.rolloutRecord()).contains(RECORD);
    assertThat(restored.weights()).isEqualTo(Map.of("stable", 75.0, "canary", 25.0));
    assertThat(restored.version()).isNotEqualTo(written.version());
  }

  @Test
  void aRemovedRecordLeavesTheFlagWithoutOne() {
    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", control.state(FLAG)));
    FlagState removed = control.writeRolloutRecord(FLAG, null, guard("a", written));
    assertThat(removed.rolloutRecord()).isEmpty();
    assertThat(harness.server.flag(FLAG).orElseThrow().settings().path("customProperties"))
        .isEmpty();
  }

  @Test
  void aRecordTooLongOrNotJsonIsRefusedNamingTheFlagAndTheField() {
    String tooLong = "\"" + "x".repeat(RolloutRecordProperty.MAX_CHARS) + "\"";
    FlagState now = control.state(FLAG);
    assertThatThrownBy(() -> control.writeRolloutRecord(FLAG, tooLong, guard("a", now)))
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST))
        .hasMessageContaining("flag '" + FLAG + "'")
        .hasMessageContaining("customProperties.llm-rollout.production")
        .hasMessageContaining("at most " + RolloutRecordProperty.MAX_CHARS);
    assertThatThrownBy(() -> control.writeRolloutRecord(FLAG, "{step: 2", guard("a", now)))
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST))
        .hasMessageContaining("customProperties.llm-rollout.production")
        .hasMessageContaining("not JSON");
    assertThat(harness.server.patchRequests()).isZero();
  }

  @Test
  void recordWritesAreLeftOutOfTheFlagsHistory() {
    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", control.state(FLAG)));
    control.setWeights(FLAG, split(75, 25), guard("a", written));
    assertThat(harness.server.auditLog()).hasSize(2);
    assertThat(control.recentChanges(FLAG, 10))
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
