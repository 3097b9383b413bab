package dev.llmrollout.contract;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.llmrollout.provider.LlmFeatureProvider;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.WriteBackException;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one definition of "a backend works". Every backend module extends this class and supplies a
 * {@link BackendHarness}; the tests drive the backend through the real OpenFeature SDK and the
 * {@link LlmFeatureProvider}. This class holds the everyday behaviour; {@link WriteContract}
 * (races, console edits, another process, credentials, history) and {@link ResilienceContract}
 * (outages, malformed updates, an unreachable source at start) hold the failures, and {@link
 * RolloutRecordContract} the rollout record stored next to the flag.
 */
public abstract class BackendContract extends WriteContract {

  @Test
  void sameTargetingKeyGetsSameVariantOverManyEvaluationsAndAfterRestart() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 50));
    Client first = startClient();
    Map<String, String> assigned = assign(first, 200);
    for (int round = 0; round < 50; round++) {
      assertThat(assign(first, 200)).isEqualTo(assigned);
    }

    stopFirstProvider();
    assertThat(assign(startClient(), 200)).isEqualTo(assigned);
    assertThat(Set.copyOf(assigned.values())).containsExactlyInAnyOrder("stable", "canary");
  }

  @Test
  void splitFollowsWeightsWithinHalfAPercentagePoint() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    Client client = startClient();
    int keys = 100_000;
    long canary = assign(client, keys).values().stream().filter("canary"::equals).count();
    assertThat(100.0 * canary / keys).isBetween(4.5, 5.5);
  }

  @Test
  void rampsAreMonotoneSoCanaryUsersStayInTheCanary() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    Client client = startClient();
    RolloutControl control = harness.rolloutControl();
    Set<String> canaryAt5 = canaryKeys(client, 20_000);
    assertThat(canaryAt5).isNotEmpty();

    Set<String> previous = canaryAt5;
    for (double percent : new double[] {25, 50}) {
      control.setWeights(FLAG, split(100 - percent, percent), ChangeRequest.because("ramp"));
      awaitCanaryShare(client, percent);
      Set<String> now = canaryKeys(client, 20_000);
      assertThat(now).containsAll(previous);
      previous = now;
    }
  }

  @Test
  void killSendsEveryKeyToTheSafeVariantAndRestorePutsTheSplitBack() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 50));
    Client client = startClient();
    RolloutControl control = harness.rolloutControl();
    Map<String, String> before = assign(client, 2_000);

    FlagState killed = control.kill(FLAG, "stable", ChangeRequest.because("canary refuses"));
    assertThat(killed.killedTo()).contains("stable");
    assertThat(killed.share("stable")).isEqualTo(100.0);
    await()
        .atMost(harness.propagationTimeout())
        .until(() -> Set.copyOf(assign(client, 2_000).values()).equals(Set.of("stable")));

    FlagState restored = control.restore(FLAG, ChangeRequest.because("fixed"));
    assertThat(restored.killed()).isFalse();
    assertThat(restored.weights()).isEqualTo(split(50, 50));
    await().atMost(harness.propagationTimeout()).until(() -> assign(client, 2_000).equals(before));
  }

  @Test
  void weightsReadBackEqualTheWrite() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    RolloutControl control = harness.rolloutControl();
    Map<String, Double> wanted = split(80, 20);

    FlagState written = control.setWeights(FLAG, wanted, ChangeRequest.because("step"));

    assertThat(written.weights()).isEqualTo(wanted);
    assertThat(control.state(FLAG).weights()).isEqualTo(wanted);
    assertThat(control.state(FLAG).variants()).containsExactly("stable", "canary");
  }

  @Test
  void writeConditionalOnAStaleVersionIsRejectedAsAConflict() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 5));
    RolloutControl control = harness.rolloutControl();
    String read = control.state(FLAG).version();
    control.setWeights(FLAG, split(75, 25), ChangeRequest.because("guard A").ifVersion(read));

    assertThatThrownBy(
            () ->
                control.setWeights(
                    FLAG, split(50, 50), ChangeRequest.because("guard B").ifVersion(read)))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> assertThat(e.kind()).isEqualTo(WriteBackException.Kind.CONFLICT));
    assertThat(control.state(FLAG).weights()).isEqualTo(split(75, 25));
  }

  @Test
  void missingTargetingKeyGetsTheDefaultVariantNeverARandomSplit() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 50));
    LlmFeatureProvider provider = startProvider();
    for (int i = 0; i < 100; i++) {
      ProviderEvaluation<Value> evaluation =
          provider.getObjectEvaluation(FLAG, NO_VALUE, new ImmutableContext());
      assertThat(evaluation.getVariant()).isEqualTo("stable");
      assertThat(evaluation.getReason()).isEqualTo(Reason.DEFAULT.name());
      assertThat(evaluation.getErrorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
      assertThat(evaluation.getValue().asStructure().getValue("model").asString())
          .isEqualTo("model-stable");
    }
  }

  @Test
  void unknownFlagIsFlagNotFoundWithTheCallersDefault() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 50));
    FlagEvaluationDetails<Value> details =
        startClient().getObjectDetails("no-such-flag", NO_VALUE, new ImmutableContext("user-1"));
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    assertThat(details.getValue()).isEqualTo(NO_VALUE);
  }

  @Test
  void malformedPayloadIsAParseErrorNamingTheFlag() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 50));
    harness.publishMalformed("broken-model");
    Client client = startClient();
    FlagEvaluationDetails<Value> details =
        client.getObjectDetails("broken-model", NO_VALUE, new ImmutableContext("user-1"));
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
    assertThat(details.getErrorMessage()).contains("broken-model");
    assertThat(details.getValue()).isEqualTo(NO_VALUE);
    assertThat(
            client.getObjectDetails(FLAG, NO_VALUE, new ImmutableContext("user-1")).getErrorCode())
        .isNull();
  }

  @Test
  void anOutOfBandChangeEmitsConfigurationChangedWithTheFlagKey() throws Exception {
    FlagSpec flag = FlagSpec.canarySplit(FLAG, 5);
    harness.publish(flag);
    Client client = startClient();

    harness.publish(flag.withWeights(split(0, 100)));

    await()
        .atMost(harness.propagationTimeout())
        .until(
            () ->
                events.stream()
                    .anyMatch(
                        e ->
                            e.event() == ProviderEvent.PROVIDER_CONFIGURATION_CHANGED
                                && e.flagsChanged().contains(FLAG)));
    await()
        .atMost(harness.propagationTimeout())
        .until(() -> Set.copyOf(assign(client, 500).values()).equals(Set.of("canary")));
  }

  private static Set<String> canaryKeys(Client client, int keys) {
    Set<String> canary = new java.util.HashSet<>();
    assign(client, keys)
        .forEach(
            (k, v) -> {
              if ("canary".equals(v)) {
                canary.add(k);
              }
            });
    return canary;
  }

  private void awaitCanaryShare(Client client, double percent) {
    await()
        .atMost(harness.propagationTimeout())
        .until(() -> Math.abs(100.0 * canaryKeys(client, 4_000).size() / 4_000 - percent) < 3);
  }
}
