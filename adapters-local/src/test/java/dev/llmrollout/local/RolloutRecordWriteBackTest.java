package dev.llmrollout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrollout.spi.BackendListener;
import dev.llmrollout.spi.ChangeRequest;
import dev.llmrollout.spi.FlagBackend;
import dev.llmrollout.spi.FlagState;
import dev.llmrollout.spi.WriteBackException;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ImmutableContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, point 4, on the real file backend: the rollout record lives in the flag's metadata as a
 * JSON string, is read with the flag's version, is written conditionally, and keeps the file
 * reviewable (one line added, permissions kept) and loadable by the hot reload.
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
  @DisplayName(
      "stored as a JSON string under metadata.llmrollout.rolloutRecord, read with the flag")
  void recordIsStoredInMetadataAndReadBack() throws Exception {
    FlagState before = control.state("support-model");

    FlagState written =
        control.writeRolloutRecord(
            "support-model", RECORD, ChangeRequest.because("rollout started").by("a"));

    assertThat(before.rolloutRecord()).isEmpty();
    assertThat(written.rolloutRecord()).contains(RECORD);
    assertThat(written.version())
        .as("the record is part of the version")
        .isNotEqualTo(before.version());
    assertThat(new LocalFileControl(file).state("support-model"))
        .as("another process reads the same record and version")
        .isEqualTo(written);
    assertThat(
            JSON.readTree(file.toFile())
                .at("/flags/support-model/metadata/llmrollout.rolloutRecord")
                .textValue())
        .isEqualTo(RECORD);
    assertThat(written.weights()).as("serving unchanged").isEqualTo(before.weights());
    assertThat(control.recentChanges("support-model", 10))
        .as("record writes change no serving and are not audited")
        .isEmpty();
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
  @DisplayName("conditional on the version: a writer that saw an older version gets CONFLICT")
  void conditionalWriteConflicts() {
    FlagState seenByA = control.state("support-model");
    control.writeRolloutRecord(
        "support-model",
        RECORD.replace("\"a\"", "\"b\""),
        ChangeRequest.because("b took over").by("b"));

    assertThatThrownBy(
            () ->
                control.writeRolloutRecord(
                    "support-model",
                    RECORD,
                    ChangeRequest.because("lease renewed").by("a").ifVersion(seenByA.version())))
        .isInstanceOf(WriteBackException.class)
        .extracting(e -> ((WriteBackException) e).kind())
        .isEqualTo(WriteBackException.Kind.CONFLICT);
    FlagState afterRecord = control.state("support-model");
    assertThatThrownBy(
            () ->
                control.setWeights(
                    "support-model",
                    Map.of("stable", 75.0, "canary", 25.0),
                    ChangeRequest.because("step").ifVersion(seenByA.version())))
        .as("a record written by another writer fences a weights write too")
        .extracting(e -> ((WriteBackException) e).kind())
        .isEqualTo(WriteBackException.Kind.CONFLICT);
    assertThat(control.state("support-model")).isEqualTo(afterRecord);
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
  @DisplayName("kill and restore keep the record; the record survives beside the kill memory")
  void killAndRestoreKeepTheRecord() {
    control.writeRolloutRecord("support-model", RECORD, ChangeRequest.because("start"));
    control.kill("support-model", "stable", ChangeRequest.because("rule broken"));
    assertThat(control.state("support-model").rolloutRecord()).contains(RECORD);

    control.restore("support-model", ChangeRequest.because("restored"));

    assertThat(control.state("support-model").rolloutRecord()).contains(RECORD);
    assertThat(control.state("support-model").killed()).isFalse();
  }

  @Test
  @DisplayName("the hot reload validates a file carrying a record and keeps serving it")
  void hotReloadAcceptsTheRecord() throws Exception {
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Set<String>> changes = new CopyOnWriteArrayList<>();
    try (FlagBackend backend = LocalFileBackend.watching(file, Duration.ofMillis(50))) {
      backend.start(
          new BackendListener() {
            @Override
            public void onFlagsChanged(Set<String> flagKeys) {
              changes.add(flagKeys);
            }

            @Override
            public void onError(String message, ErrorCode code) {
              errors.add(message);
            }
          },
          Duration.ofSeconds(5));

      control.writeRolloutRecord("support-model", RECORD, ChangeRequest.because("start"));
      control.setWeights(
          "support-model", Map.of("stable", 75.0, "canary", 25.0), ChangeRequest.because("step"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> changes.stream().anyMatch(c -> c.contains("support-model")));

      assertThat(errors).isEmpty();
      assertThat(backend.resolve("support-model", new ImmutableContext("user-1")).variant())
          .isNotNull();
      assertThat(backend.flagKeys()).contains("support-model", "plain");
    }
  }
}
