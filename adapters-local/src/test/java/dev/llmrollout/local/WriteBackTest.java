package dev.llmrollout.local;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.spi.ChangeRecord;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 2, point 4: write-back keeps the rest of the file, remembers kills, audits every write. */
class WriteBackTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILE =
      """
      {
        "$schema": "https://flagd.dev/schema/v0/flags.json",
        "flags": {
          "support-model": {
            "state": "ENABLED",
            "variants": {
              "stable": {"model": "m-stable", "endpoint": "stable-pool"},
              "canary": {"model": "m-canary", "endpoint": "canary-pool"}
            },
            "targeting": {"if": [{"==": [{"var": "tier"}, "beta"]}, "canary",
                                 {"fractional": [["stable", 95], ["canary", 5]]}]},
            "defaultVariant": "stable",
            "metadata": {"owner": "support-team"}
          },
          "other-flag": {"state": "DISABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}
        },
        "$evaluators": {"beta": {"==": [{"var": "tier"}, "beta"]}}
      }
      """;

  @TempDir Path dir;
  private Path file;
  private LocalFileControl control;

  @BeforeEach
  void writeFlags() throws Exception {
    file = dir.resolve("flags.json");
    Files.writeString(file, FILE);
    control = new LocalFileControl(file);
  }

  @Test
  void setWeightsEditsOnlyTheSplitAndKeepsEveryOtherFieldInOrder() throws Exception {
    JsonNode before = JSON.readTree(file.toFile());
    control.setWeights("support-model", split(75, 25), ChangeRequest.because("step 2").by("test"));
    JsonNode after = JSON.readTree(file.toFile());

    assertThat(fieldNames(after)).isEqualTo(fieldNames(before));
    assertThat(fieldNames(after.at("/flags/support-model")))
        .isEqualTo(fieldNames(before.at("/flags/support-model")));
    assertThat(after.at("/flags/other-flag")).isEqualTo(before.at("/flags/other-flag"));
    assertThat(after.at("/$evaluators")).isEqualTo(before.at("/$evaluators"));
    assertThat(after.at("/flags/support-model/targeting/if/2/fractional").toString())
        .isEqualTo("[[\"stable\",75],[\"canary\",25]]");
    assertThat(after.at("/flags/support-model/targeting/if/0"))
        .isEqualTo(before.at("/flags/support-model/targeting/if/0"));
  }

  @Test
  void killThenRestoreGivesBackTheOriginalDefinitionEvenFromAnotherProcess() throws Exception {
    JsonNode original = JSON.readTree(file.toFile()).at("/flags/support-model");

    FlagState killed = control.kill("support-model", "stable", ChangeRequest.because("refusals"));
    assertThat(killed.killedTo()).contains("stable");
    assertThat(killed.weights()).isEqualTo(Map.of("stable", 100.0));

    FlagState restored =
        new LocalFileControl(file).restore("support-model", ChangeRequest.because("fixed"));
    JsonNode after = JSON.readTree(file.toFile()).at("/flags/support-model");
    assertThat(after).isEqualTo(original);
    assertThat(fieldNames(after)).isEqualTo(fieldNames(original));
    assertThat(restored.killed()).isFalse();
    assertThat(restored.weights()).isEqualTo(Map.of("stable", 95.0, "canary", 5.0));
  }

  @Test
  void aSecondKillKeepsTheFirstMemorySoRestoreStillReturnsTheSplit() {
    control.kill("support-model", "canary", ChangeRequest.because("first"));
    control.kill("support-model", "stable", ChangeRequest.because("second"));
    FlagState restored = control.restore("support-model", ChangeRequest.because("done"));
    assertThat(restored.weights()).isEqualTo(Map.of("stable", 95.0, "canary", 5.0));
  }

  @Test
  void fractionalPercentagesAreWrittenAsTheSmallestExactIntegerWeights() throws Exception {
    FlagState state =
        control.setWeights("support-model", split(99.5, 0.5), ChangeRequest.because("tiny"));
    assertThat(state.weights()).isEqualTo(split(99.5, 0.5));
    assertThat(
            JSON.readTree(file.toFile())
                .at("/flags/support-model/targeting/if/2/fractional")
                .toString())
        .isEqualTo("[[\"stable\",995],[\"canary\",5]]");
  }

  @Test
  void everyWriteAppendsAnAuditRecordWithBeforeAfterReasonAndActor() throws Exception {
    control.setWeights("support-model", split(50, 50), ChangeRequest.because("step 3").by("guard"));
    control.kill("support-model", "stable", ChangeRequest.because("p99 regression").by("guard"));

    List<String> lines = Files.readAllLines(dir.resolve("flags.json.audit.jsonl"));
    assertThat(lines).hasSize(2);
    JsonNode kill = JSON.readTree(lines.get(1));
    assertThat(kill.get("flag").asText()).isEqualTo("support-model");
    assertThat(kill.get("action").asText()).isEqualTo("kill");
    assertThat(kill.get("reason").asText()).isEqualTo("p99 regression");
    assertThat(kill.get("actor").asText()).isEqualTo("guard");
    assertThat(kill.at("/before/weights/canary").asDouble()).isEqualTo(50.0);
    assertThat(kill.at("/after/killedTo").asText()).isEqualTo("stable");
    assertThat(kill.has("time")).isTrue();
    assertThat(control.recentChanges("support-model", 1))
        .singleElement()
        .extracting(ChangeRecord::action)
        .isEqualTo("kill");
  }

  @Test
  void badRequestsFailWithClearErrorsAndLeaveTheFileUntouched() throws Exception {
    String before = Files.readString(file);
    assertThatThrownBy(
            () -> control.setWeights("support-model", split(90, 5), ChangeRequest.because("x")))
        .isInstanceOf(WriteBackException.class)
        .hasMessageContaining("support-model")
        .hasMessageContaining("sum to 95");
    assertThatThrownBy(() -> control.kill("support-model", "nope", ChangeRequest.because("x")))
        .hasMessageContaining("no variant 'nope'");
    assertThatThrownBy(() -> control.restore("support-model", ChangeRequest.because("x")))
        .hasMessageContaining("is not killed");
    assertThatThrownBy(() -> control.state("missing-flag"))
        .isInstanceOfSatisfying(
            WriteBackException.class,
            e -> assertThat(e.kind()).isEqualTo(WriteBackException.Kind.NOT_FOUND));
    assertThat(Files.readString(file)).isEqualTo(before);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
