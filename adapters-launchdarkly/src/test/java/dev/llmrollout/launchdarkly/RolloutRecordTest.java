package dev.llmrollout.launchdarkly;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.launchdarkly.internal.RolloutRecordProperty;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, point 4, where LaunchDarkly keeps it: the rollout record lives in the flag's custom
 * property {@code llm-rollout.production}, a flag-level setting the SDK never sees. What every
 * backend's record does (round trip, fencing, races, the other writes keeping it, removal, the size
 * limit, history) is the contract kit's, run by {@link LaunchDarklyContractTest}.
 */
class RolloutRecordTest extends PublishedFlagFixture {
  private static final String RECORD = "{\"schema\":1,\"step\":2,\"lease\":{\"holder\":\"a\"}}";

  @Test
  void aRecordIsStoredInTheCustomPropertyWithoutMovingTheSdkVersionOrStreaming() {
    FlagState before = control.state(FLAG);
    int sdkVersion = harness.server.flag(FLAG).orElseThrow().version();
    int streamed = harness.server.streamedFlagEvents();

    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", before));

    assertThat(written.version()).startsWith(sdkVersion + ":");
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
  }

  @Test
  void aRemovedRecordLeavesTheFlagWithoutACustomProperty() {
    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", control.state(FLAG)));
    control.writeRolloutRecord(FLAG, null, guard("a", written));
    assertThat(harness.server.flag(FLAG).orElseThrow().settings().path("customProperties"))
        .isEmpty();
  }

  @Test
  void aRecordTooLongOrNotJsonIsRefusedBeforeAnythingIsSent() {
    String tooLong = "\"" + "x".repeat(RolloutRecordProperty.MAX_CHARS) + "\"";
    FlagState now = control.state(FLAG);
    assertThatThrownBy(() -> control.writeRolloutRecord(FLAG, tooLong, guard("a", now)))
        .isInstanceOf(WriteBackException.class);
    assertThatThrownBy(() -> control.writeRolloutRecord(FLAG, "{step: 2", guard("a", now)))
        .isInstanceOf(WriteBackException.class);
    assertThat(harness.server.patchRequests()).isZero();
  }

  @Test
  void recordWritesAreInLaunchDarklysAuditLogButLeftOutOfTheFlagsHistory() {
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
}
