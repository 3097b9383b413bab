package dev.llmrollout.appconfig;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.appconfig.internal.RolloutRecords;
import dev.llmrollout.contract.FlagSpec;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.RolloutControl;
import dev.llmrollout.spi.WriteBackException;
import dev.llmrollout.spi.WriteBackException.Kind;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.appconfig.model.BadRequestException;

/**
 * Issue 15, point 4, where AppConfig keeps it: the rollout record lives in the flag's hosted
 * document (a {@code rolloutRecord} attribute of string pieces, or flagd metadata), and every
 * record write is a hosted version and a deployment under the adapter's two locks. What every
 * backend's record does (round trip, fencing, races, the other writes keeping it, removal, the size
 * limit, history) is the contract kit's, run by {@link AppConfigFeatureFlagsContractTest} and
 * {@link AppConfigFlagdContractTest}.
 */
class RolloutRecordTest {
  private static final String FLAG = "support-model";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Longer than one 1024-character attribute string, so it is stored in pieces. */
  private static final String RECORD =
      "{\"schema\":1,\"step\":2,\"notes\":\"" + "n".repeat(2500) + "\",\"holder\":\"a\"}";

  private AppConfigHarness harness;
  private RolloutControl control;

  private void open(DocumentFormat format) throws Exception {
    harness = new AppConfigHarness(format);
    harness.publish(FlagSpec.canarySplit(FLAG, 20));
    control = harness.open().control();
  }

  @AfterEach
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"FEATURE_FLAGS", "FLAGD"})
  void aRecordWrittenIsDeployedAsANewVersionAndReadBack(DocumentFormat format) throws Exception {
    open(format);
    FlagState before = control.state(FLAG);
    Map<String, String> assigned;
    FlagState written;
    try (RunningProvider provider = new RunningProvider(harness)) {
      assigned = provider.assign(FLAG, 1_000);

      written = control.writeRolloutRecord(FLAG, RECORD, guard("a", before));

      // A running provider takes the new version up and serves every user the same variant.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  provider.events("CONFIGURATION_CHANGED").stream()
                      .anyMatch(e -> e.flagsChanged().contains(FLAG)));
      assertThat(provider.assign(FLAG, 1_000)).isEqualTo(assigned);
    }

    assertThat(Integer.parseInt(written.version()))
        .isGreaterThan(Integer.parseInt(before.version()));
    JsonNode stored = stored(Integer.parseInt(written.version()));
    if (format == DocumentFormat.FEATURE_FLAGS) {
      JsonNode pieces = stored.path("values").path(FLAG).path(RolloutRecords.NAME);
      assertThat(pieces.size()).isEqualTo(3);
      assertThat(pieces).allSatisfy(p -> assertThat(p.asText().length()).isLessThanOrEqualTo(1024));
      assertThat(
              stored
                  .path("flags")
                  .path(FLAG)
                  .path("attributes")
                  .path(RolloutRecords.NAME)
                  .path("constraints"))
          .isEqualTo(JSON.readTree("{\"type\":\"array\",\"elements\":{\"type\":\"string\"}}"));
    } else {
      assertThat(
              stored.path("flags").path(FLAG).path("metadata").path(RolloutRecords.NAME).asText())
          .isEqualTo(RECORD);
    }
  }

  /** The other controller writes after this one read: AppConfig's version lock refuses it. */
  @Test
  void aRecordWrittenBetweenTheReadAndTheNewVersionIsAConflict() throws Exception {
    open(DocumentFormat.FEATURE_FLAGS);
    FlagState seen = control.state(FLAG);
    RolloutControl other = harness.open().control();
    harness.appConfig.beforeNext(
        "POST",
        ".*/hostedconfigurationversions",
        () -> other.writeRolloutRecord(FLAG, "{\"holder\":\"b\"}", guard("b", seen)));

    assertThatThrownBy(() -> control.writeRolloutRecord(FLAG, RECORD, guard("a", seen)))
        .isInstanceOfSatisfying(
            WriteBackException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThat(control.state(FLAG).rolloutRecord()).contains("{\"holder\":\"b\"}");
  }

  @ParameterizedTest
  @EnumSource(names = {"FEATURE_FLAGS", "FLAGD"})
  void bothKindsOfRestoreKeepTheRecord(DocumentFormat format) throws Exception {
    open(format);
    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", control.state(FLAG)));
    FlagState stepped = control.setWeights(FLAG, split(75, 25), guard("a", written));
    FlagState killed = control.kill(FLAG, "stable", guard("a", stepped));
    // Nothing else changed: restore redeploys the version the kill replaced.
    FlagState restored = control.restore(FLAG, guard("a", killed));
    assertThat(restored.rolloutRecord()).contains(RECORD);
    assertThat(restored.version()).isEqualTo(stepped.version());

    // The record changed while killed: restore copies the old split and keeps the new record.
    FlagState killedAgain = control.kill(FLAG, "stable", guard("a", restored));
    FlagState renewed =
        control.writeRolloutRecord(
            FLAG, "{\"holder\":\"a\",\"renewals\":1}", guard("a", killedAgain));
    FlagState restoredAgain = control.restore(FLAG, guard("a", renewed));
    assertThat(restoredAgain.rolloutRecord()).contains("{\"holder\":\"a\",\"renewals\":1}");
    assertThat(restoredAgain.weights()).isEqualTo(split(75, 25));
  }

  @Test
  void aRemovedRecordLeavesTheFlagWithoutTheAttributeOrItsDeclaration() throws Exception {
    open(DocumentFormat.FEATURE_FLAGS);
    FlagState written = control.writeRolloutRecord(FLAG, RECORD, guard("a", control.state(FLAG)));
    FlagState removed = control.writeRolloutRecord(FLAG, null, guard("a", written));
    JsonNode stored = stored(Integer.parseInt(removed.version()));
    assertThat(stored.path("values").path(FLAG).has(RolloutRecords.NAME)).isFalse();
    assertThat(stored.path("flags").path(FLAG).path("attributes").has(RolloutRecords.NAME))
        .isFalse();
  }

  /**
   * The local AppConfig refuses what the feature-flags schema refuses: a string attribute value
   * over 1024 characters, which is why the record is stored in pieces.
   */
  @Test
  void aStringAttributeOver1024CharactersIsRefusedByTheLocalAppConfig() throws Exception {
    open(DocumentFormat.FEATURE_FLAGS);
    ObjectNode document = (ObjectNode) JSON.readTree(harness.render());
    ((ObjectNode) document.path("flags").path(FLAG))
        .withObjectProperty("attributes")
        .putObject("note")
        .putObject("constraints")
        .put("type", "string");
    ((ObjectNode) document.path("values").path(FLAG)).put("note", "n".repeat(1025));

    byte[] content = JSON.writeValueAsBytes(document);
    assertThatThrownBy(
            () ->
                harness.console.createHostedConfigurationVersion(
                    b ->
                        b.applicationId(harness.applicationId)
                            .configurationProfileId(harness.profileId)
                            .content(SdkBytes.fromByteArray(content))
                            .contentType("application/json")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Malformed 'Content'");
  }

  private JsonNode stored(int version) throws Exception {
    return JSON.readTree(
        harness.appConfig.hostedContent(harness.applicationId, harness.profileId, version));
  }

  private static ChangeRequest guard(String holder, FlagState read) {
    return ChangeRequest.because("lease held").by("guard-" + holder).ifVersion(read.version());
  }
}
