package dev.llmrollout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.WriteBackException;
import dev.openfeature.sdk.ImmutableContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, point 4, where the flags file keeps it: the rollout record lives in the flag's metadata
 * as a JSON string, keeps the file reviewable (one line added, permissions kept) and loadable by
 * the hot reload. What every backend's record does (round trip, fencing, races, the other writes
 * keeping it, removal, history) is the contract kit's, run by {@link LocalBackendContractTest}.
 */
@DisplayName("issue 15.4: the rollout record next to the flag, in the flags file")
class RolloutRecordWriteBackTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RECORD = "{\"schema\":1,\"rolloutId\":\"r-1\",\"owner\":\"a\"}";
  private static final String FILE =
      """
      {
        "flags": {
          "support-model": {
            "state": "ENABLED",
            "variants": {
              "stable": {"model": "m-1", "endpoint": "stable-pool"},
              "canary": {"model": "m-2", "endpoint": "canary-pool"}
            },
            "defaultVariant": "stable",
            "targeting": {"fractional": [["stable", 95], ["canary", 5]]}
          },
          "plain": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}
        }
      }
      """;

  @TempDir Path dir;
  private Path file;
  private LocalFileControl control;

  @BeforeEach
  void writeFlags() throws Exception {
    file = dir.resolve("flags.json");
    Files.writeString(file, FILE);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    control = new LocalFileControl(file);
  }

  @Test
  @DisplayName("stored as a JSON string under metadata.llmrollout.rolloutRecord")
  void recordIsStoredInMetadata() throws Exception {
    control.writeRolloutRecord(
        "support-model", RECORD, ChangeRequest.because("rollout started").by("a"));

    assertThat(
            JSON.readTree(file.toFile())
                .at("/flags/support-model/metadata/llmrollout.rolloutRecord")
                .textValue())
        .isEqualTo(RECORD);
  }

  @Test
  @DisplayName(
      "the write adds one metadata line; removing the record gives the file back byte for byte")
  void minimalDiffAndPermissionsKept() throws Exception {
    control.writeRolloutRecord("support-model", RECORD, ChangeRequest.because("start"));

    String after = Files.readString(file);
    List<String> original = FILE.lines().toList();
    List<String> added = after.lines().filter(line -> !original.contains(line)).toList();
    assertThat(added)
        .as("the line before gains the comma JSON needs; one metadata line is added")
        .hasSize(2);
    assertThat(added.get(0))
        .endsWith(",")
        .satisfies(l -> assertThat(original).contains(l.substring(0, l.length() - 1)));
    assertThat(added.get(1)).contains("\"metadata\": {\"llmrollout.rolloutRecord\": ");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r-----");

    control.writeRolloutRecord("support-model", null, ChangeRequest.because("rollout over"));

    assertThat(Files.readString(file)).isEqualTo(FILE);
    assertThat(control.state("support-model").rolloutRecord()).isEmpty();
  }

  @Test
  @DisplayName("a record that is not JSON is refused naming the flag; the file is unchanged")
  void notJsonIsRefused() throws Exception {
    assertThatThrownBy(
            () -> control.writeRolloutRecord("support-model", "{oops", ChangeRequest.because("x")))
        .isInstanceOf(WriteBackException.class)
        .hasMessageContaining("flag 'support-model'")
        .hasMessageContaining("rollout record is not JSON");
    assertThat(Files.readString(file)).isEqualTo(FILE);
  }

  @Test
  @DisplayName("the hot reload validates a file carrying a record and keeps serving it")
  void hotReloadAcceptsTheRecord() throws Exception {
    RecordingListener listener = new RecordingListener();
    try (FlagBackend backend = LocalFileBackend.watching(file, Duration.ofMillis(50))) {
      backend.start(listener, Duration.ofSeconds(5));

      control.writeRolloutRecord("support-model", RECORD, ChangeRequest.because("start"));
      control.setWeights(
          "support-model", Map.of("stable", 75.0, "canary", 25.0), ChangeRequest.because("step"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> listener.changes.stream().anyMatch(c -> c.contains("support-model")));

      assertThat(listener.errors).isEmpty();
      assertThat(backend.resolve("support-model", new ImmutableContext("user-1")).variant())
          .isNotNull();
      assertThat(backend.flagKeys()).contains("support-model", "plain");
    }
  }
}
