package dev.llmrollout.local;

import static dev.llmrollout.contract.FlagSpec.split;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrollout.spi.ChangeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, point 4: a write-back changes only the values it must, so the flags file stays
 * reviewable in Git: formatting, key order and permissions are the user's.
 */
class ReviewableWriteBackTest {
  private static final String TARGETING =
      """
      "targeting": {
              "if": [
                {"==": [{"var": "tier"}, "internal"]}, "canary",
                {"fractional": [["stable", 95], ["canary", 5]]}
              ]
            }""";
  private static final String FILE =
      """
      {
        "$schema": "https://flagd.dev/schema/v0/flags.json",
        "flags": {
          "support-model": {
            "state": "ENABLED",
            "variants": {
              "stable": {"model": "m-1", "version": "1.1.0", "endpoint": "stable-pool"},
              "canary": {"model": "m-2", "version": "1.2.0", "endpoint": "canary-pool"}
            },
            "defaultVariant": "stable",
            %s
          },
          "plain":    { "state" : "ENABLED", "variants" : {"on": true, "off": false}, "defaultVariant" : "on" }
        }
      }
      """
          .formatted(TARGETING);

  @TempDir Path dir;
  private Path file;
  private LocalFileControl control;

  @BeforeEach
  void writeFlags() throws Exception {
    file = dir.resolve("flags.json");
    Files.writeString(file, FILE);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    control = new LocalFileControl(file);
  }

  @Test
  void aWeightChangeRewritesOnlyTheTwoNumbers() throws Exception {
    control.setWeights("support-model", split(75, 25), ChangeRequest.because("step 2"));

    assertThat(Files.readString(file))
        .isEqualTo(
            FILE.replace(
                "[[\"stable\", 95], [\"canary\", 5]]", "[[\"stable\", 75], [\"canary\", 25]]"));
  }

  @Test
  void aKillReplacesTheTargetingAndAddsOneMetadataLine() throws Exception {
    control.kill("support-model", "stable", ChangeRequest.because("refusals"));

    String after = Files.readString(file);
    String killed = after.substring(after.indexOf("\"targeting\""), after.indexOf("\n    },"));
    assertThat(killed)
        .startsWith("\"targeting\": {},\n      \"metadata\": {\"llmrollout.killReplaced\": ");
    assertThat(killed.lines()).hasSize(2);
    assertThat(after.replace(killed, TARGETING)).isEqualTo(FILE);
  }

  @Test
  void killThenRestoreGivesBackTheFileByteForByte() throws Exception {
    control.kill("support-model", "canary", ChangeRequest.because("drill"));
    new LocalFileControl(file).restore("support-model", ChangeRequest.because("drill over"));

    assertThat(Files.readString(file)).isEqualTo(FILE);
  }

  @Test
  void aWriteKeepsTheFilePermissions() throws Exception {
    control.kill("support-model", "stable", ChangeRequest.because("refusals"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void aFlagWithoutTargetingGainsItsSplitOnOneLine() throws Exception {
    control.setWeights("plain", Map.of("on", 90.0, "off", 10.0), ChangeRequest.because("split"));

    String plain =
        Files.readString(file)
            .lines()
            .filter(l -> l.contains("\"plain\""))
            .findFirst()
            .orElseThrow();
    assertThat(plain)
        .isEqualTo(
            "    \"plain\":    { \"state\" : \"ENABLED\", \"variants\" : {\"on\": true, \"off\": false},"
                + " \"defaultVariant\" : \"on\", \"targeting\" : {\"fractional\": [[\"on\", 90], [\"off\", 10]]} }");
  }
}
