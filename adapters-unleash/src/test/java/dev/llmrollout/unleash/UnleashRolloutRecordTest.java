package dev.llmrollout.unleash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.unleash.internal.RolloutRecordParameter;
import dev.openfeature.sdk.ImmutableContext;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, point 4, on a real Unleash 8.2 server, where Unleash keeps it: the rollout record lives
 * in the managed strategy's {@code llmRolloutRecord} parameter, which flexibleRollout does not
 * read. What every backend's record does (round trip, fencing, the race Unleash may let both
 * writers pass and then reports NOT_VERIFIED, the other writes keeping it, removal, the size limit,
 * history) is the contract kit's, run by {@link UnleashBackendContractTest}.
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
  void aRecordIsAStrategyParameterAndClientsServeTheSameSplit() throws Exception {
    control.writeRolloutRecord(FLAG, RECORD, guard("a", control.state(FLAG)));

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
  void aRemovedRecordLeavesTheStrategyWithoutTheParameter() {
    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", control.state(FLAG)));
    control.writeRolloutRecord(FLAG, null, guard("a", written));
    assertThat(harness.flags().parameters(FLAG).has(RolloutRecordParameter.NAME)).isFalse();
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

  private static ChangeRequest guard(String holder, FlagState read) {
    return ChangeRequest.because("lease held").by("guard-" + holder).ifVersion(read.version());
  }
}
