package dev.llmrollout.contract;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.llmrollout.spi.FlagBackend;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Value;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract kit's failures of the source: an outage while running (STALE, then recovery), a
 * malformed update (ERROR, the last good keeps serving), and a source unreachable at start.
 */
abstract class ResilienceContract extends ContractFixture {
  /** A liveness bound for outages and restarts, never a speed requirement. */
  protected static final Duration LIVENESS = Duration.ofSeconds(120);

  @Test
  void anOutageIsReportedStaleWhileTheLastFlagsServeAndChangesFlowAgainAfterIt() throws Exception {
    harness.capabilities().require(Capability.OUTAGE);
    FlagSpec flag = FlagSpec.canarySplit(FLAG, 30);
    harness.publish(flag);
    Client client = startClient();
    Map<String, String> before = assign(client, 500);

    harness.cutSource();
    try {
      await().atMost(LIVENESS).until(() -> saw(ProviderEvent.PROVIDER_STALE));
      assertThat(client.getProviderState()).isEqualTo(ProviderState.STALE);
      assertThat(assign(client, 500)).isEqualTo(before);
      FlagEvaluationDetails<Value> details =
          client.getObjectDetails(FLAG, NO_VALUE, new ImmutableContext("user-1"));
      assertThat(details.getReason()).isEqualTo("STALE");
    } finally {
      harness.reconnectSource();
    }

    await().atMost(LIVENESS).until(() -> client.getProviderState() == ProviderState.READY);
    harness.publish(flag.withWeights(split(0, 100)));
    await()
        .atMost(LIVENESS)
        .until(() -> Set.copyOf(assign(client, 500).values()).equals(Set.of("canary")));
  }

  @Test
  void aMalformedUpdateIsAnErrorNamingTheFlagWhileTheLastGoodConfigurationKeepsServing()
      throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 30));
    Client client = startClient();
    Map<String, String> before = assign(client, 500);

    harness.publishMalformed(FLAG);

    await()
        .atMost(LIVENESS)
        .until(
            () ->
                events.stream()
                    .anyMatch(
                        e ->
                            e.event() == ProviderEvent.PROVIDER_ERROR
                                && e.message().contains(FLAG)));
    assertThat(assign(client, 500)).isEqualTo(before);
    assertThat(
            client
                .getObjectDetails(FLAG, NO_VALUE, new ImmutableContext("user-1"))
                .getValue()
                .asStructure()
                .getValue("model")
                .asString())
        .startsWith("model-");
  }

  @Test
  void aSourceUnreachableAtStartServesTheLastKnownGoodOrTheDefaultAndSaysSo() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 30));
    Map<String, String> before = assign(startClient(), 500);
    stopFirstProvider();

    FlagBackend unreachable = harness.unreachableBackend();
    Throwable startFailure =
        catchThrowable(() -> startProvider(unreachable, Duration.ofSeconds(5)));
    Client client = lastApi().getClient();

    if (harness.capabilities().has(Capability.LAST_KNOWN_GOOD_AT_START)) {
      assertThat(startFailure).isNull();
      assertThat(assign(client, 500)).isEqualTo(before);
      assertThat(client.getProviderState())
          .as("a backend serving a backup while its source is down is not READY")
          .isEqualTo(ProviderState.STALE);
      return;
    }
    assertThat(client.getProviderState())
        .as("start failure: %s", startFailure)
        .isIn(ProviderState.ERROR, ProviderState.FATAL, ProviderState.NOT_READY);
    FlagEvaluationDetails<Value> details =
        client.getObjectDetails(FLAG, NO_VALUE, new ImmutableContext("user-1"));
    assertThat(details.getValue()).isEqualTo(NO_VALUE);
    assertThat(details.getErrorCode()).isNotNull();
  }
}
