package dev.llmrollout.contract;

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
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one definition of "a backend works". Every backend module extends this class and supplies a
 * {@link BackendHarness}; the tests drive the backend through the real OpenFeature SDK and the
 * {@link LlmFeatureProvider}.
 */
public abstract class BackendContract {
  protected static final String FLAG = "support-model";
  private static final Value NO_VALUE = new Value("caller-default");

  private BackendHarness harness;
  private final List<OpenFeatureAPI> apis = new ArrayList<>();
  private final List<List<String>> changeEvents = new CopyOnWriteArrayList<>();

  /** A fresh harness over an empty source, for one test. */
  protected abstract BackendHarness createHarness() throws Exception;

  @BeforeEach
  void openHarness() throws Exception {
    harness = createHarness();
  }

  @AfterEach
  void closeAll() throws Exception {
    apis.forEach(OpenFeatureAPI::shutdown);
    harness.close();
  }

  @Test
  void sameTargetingKeyGetsSameVariantOverManyEvaluationsAndAfterRestart() throws Exception {
    harness.publish(FlagSpec.canarySplit(FLAG, 50));
    Client first = startClient();
    Map<String, String> assigned = assign(first, 200);
    for (int round = 0; round < 50; round++) {
      assertThat(assign(first, 200)).isEqualTo(assigned);
    }

    apis.remove(0).shutdown();
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
        .until(() -> changeEvents.stream().anyMatch(keys -> keys.contains(FLAG)));
    await()
        .atMost(harness.propagationTimeout())
        .until(() -> Set.copyOf(assign(client, 500).values()).equals(Set.of("canary")));
  }

  protected final LlmFeatureProvider startProvider() throws Exception {
    LlmFeatureProvider provider = LlmFeatureProvider.builder(harness.newBackend()).build();
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    api.onProviderConfigurationChanged(
        details -> changeEvents.add(List.copyOf(details.getFlagsChanged())));
    api.setProviderAndWait(provider);
    apis.add(api);
    return provider;
  }

  protected final Client startClient() throws Exception {
    startProvider();
    return apis.get(apis.size() - 1).getClient();
  }

  protected static Map<String, Double> split(double stable, double canary) {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put("stable", stable);
    weights.put("canary", canary);
    return weights;
  }

  private static Map<String, String> assign(Client client, int keys) {
    Map<String, String> assigned = new HashMap<>(keys * 2);
    for (int i = 0; i < keys; i++) {
      String key = "user-" + i;
      FlagEvaluationDetails<Value> details =
          client.getObjectDetails(FLAG, NO_VALUE, new ImmutableContext(key));
      assertThat(details.getErrorCode())
          .as("error for %s: %s", key, details.getErrorMessage())
          .isNull();
      assigned.put(key, details.getVariant());
    }
    return assigned;
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
