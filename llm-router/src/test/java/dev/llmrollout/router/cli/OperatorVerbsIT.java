package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 4, point 2: every operator verb and exit code, through the real jar, on the local file. */
class OperatorVerbsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FLAGS =
      """
      {"flags": {"support-model": {"state": "ENABLED",
        "variants": {"stable": {"model": "m-stable", "version": "1.1.0", "endpoint": "stable-pool"},
                     "canary": {"model": "m-canary", "version": "1.2.0", "endpoint": "canary-pool"}},
        "defaultVariant": "stable",
        "targeting": {"fractional": [["stable", 95], ["canary", 5]]}}}}
      """;

  @TempDir Path dir;

  @BeforeEach
  void writeFlags() throws Exception {
    Files.writeString(dir.resolve("flags.json"), FLAGS);
  }

  private JarRunner.Result run(String... args) throws Exception {
    String[] withFlags = new String[args.length + 2];
    System.arraycopy(args, 0, withFlags, 0, args.length);
    withFlags[args.length] = "--flags";
    withFlags[args.length + 1] = "flags.json";
    return JarRunner.run(dir, Map.of(), withFlags);
  }

  private JsonNode flag() throws Exception {
    return JSON.readTree(dir.resolve("flags.json").toFile()).at("/flags/support-model");
  }

  @Test
  void killSendsEveryoneToTheSafeVariantAndVerifiesByEvaluation() throws Exception {
    JarRunner.Result kill =
        run("kill", "support-model", "--to", "stable", "--reason", "refusals at 3am");

    assertThat(kill.exitCode()).as(kill.err()).isZero();
    assertThat(kill.out()).contains("KILLED", "all 2000 probe evaluations return 'stable'");
    assertThat(flag().get("defaultVariant").asText()).isEqualTo("stable");
    assertThat(flag().get("targeting")).isEmpty();
  }

  @Test
  void weightsThenKillThenRestoreRoundTripsAndStatusShowsTheTrail() throws Exception {
    assertThat(
            run("weights", "support-model", "stable=75", "canary=25", "--reason", "step 2")
                .exitCode())
        .isZero();
    assertThat(flag().at("/targeting/fractional").toString())
        .isEqualTo("[[\"stable\",75],[\"canary\",25]]");
    assertThat(run("kill", "support-model", "--to", "stable", "--reason", "bad").exitCode())
        .isZero();
    JarRunner.Result restore = run("restore", "support-model", "--reason", "fixed");
    assertThat(restore.exitCode()).as(restore.err()).isZero();
    assertThat(flag().at("/targeting/fractional").toString())
        .isEqualTo("[[\"stable\",75],[\"canary\",25]]");

    JarRunner.Result status = run("status", "support-model");
    assertThat(status.exitCode()).isZero();
    assertThat(status.out())
        .contains("stable=75%", "canary=25%", "set-weights", "kill", "restore", "fixed");
  }

  @Test
  void drillRunsEveryStepAndLeavesTheOriginalState() throws Exception {
    JsonNode before = flag();
    JarRunner.Result drill = run("drill", "support-model", "--canary", "canary");

    assertThat(drill.exitCode()).as(drill.out() + drill.err()).isZero();
    assertThat(drill.out())
        .contains(
            "set the canary to 5%",
            "evaluations reach the canary",
            "roll back",
            "every evaluation is on 'stable'",
            "restore the original state",
            "drill passed")
        .containsPattern("\\d+ ms");
    assertThat(flag()).isEqualTo(before);
  }

  @Test
  @DisplayName("17.3: a write the backend rejects as invalid is bad usage (2), with its reason")
  void anInvalidWriteExitsTwoWithTheBackendsReason() throws Exception {
    JarRunner.Result result = run("kill", "support-model", "--to", "nope", "--reason", "x");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("no variant 'nope'");

    JarRunner.Result restore = run("restore", "support-model", "--reason", "x");
    assertThat(restore.exitCode()).isEqualTo(2);
    assertThat(restore.err()).contains("is not killed");

    JarRunner.Result ninety =
        run("weights", "support-model", "stable=80", "canary=10", "--reason", "x");
    assertThat(ninety.exitCode()).isEqualTo(2);
    assertThat(ninety.err()).contains("sum to 90", "expected 100");
  }

  @Test
  @DisplayName("17.3: durations read 30s, 5m, 1h and ISO-8601; a bad one names the fix")
  void durationsReadAsOperatorsWriteThem() throws Exception {
    for (String timeout : List.of("30s", "5m", "1h", "PT30S")) {
      JarRunner.Result kill =
          run(
              "kill",
              "support-model",
              "--to",
              "stable",
              "--reason",
              "x",
              "--verify-timeout",
              timeout);
      assertThat(kill.exitCode()).as(timeout + ": " + kill.err()).isZero();
      assertThat(run("restore", "support-model", "--reason", "x").exitCode()).isZero();
    }
    JarRunner.Result bad =
        run("kill", "support-model", "--to", "stable", "--reason", "x", "--verify-timeout", "soon");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err())
        .contains("'soon': expected a duration such as 30s, 5m, 1h or ISO-8601 PT30S")
        .doesNotContain("Exception");
  }

  @Test
  @DisplayName("17.3: every verb takes --json: the state on success, the error on failure")
  void jsonForScripts() throws Exception {
    JsonNode weights =
        JSON.readTree(
            run("weights", "support-model", "stable=90", "canary=10", "--reason", "x", "--json")
                .out());
    assertThat(weights.path("ok").asBoolean()).isTrue();
    assertThat(weights.at("/flag/weights/canary").asDouble()).isEqualTo(10.0);

    JsonNode status = JSON.readTree(run("status", "support-model", "--json").out());
    assertThat(status.path("recentChanges").get(0).path("action").asText())
        .isEqualTo("set-weights");

    JarRunner.Result failed =
        run("kill", "support-model", "--to", "nope", "--reason", "x", "--json");
    JsonNode error = JSON.readTree(failed.out());
    assertThat(failed.exitCode()).isEqualTo(2);
    assertThat(error.path("ok").asBoolean(true)).isFalse();
    assertThat(error.path("exitCode").asInt()).isEqualTo(2);
    assertThat(error.path("error").asText()).contains("no variant 'nope'");

    JsonNode sample = JSON.readTree(sampleSize("--json").out());
    assertThat(sample.path("perArm").asLong()).isEqualTo(903);
    assertThat(sample.path("canary").asDouble()).isEqualTo(0.8);
    assertThat(sample.path("oneSided").asBoolean(true)).isFalse();

    JsonNode guards = JSON.readTree(sampleSize("--one-sided", "--json").out());
    assertThat(guards.path("perArm").asLong()).isEqualTo(714);
    assertThat(guards.path("oneSided").asBoolean()).isTrue();
    assertThat(guards.path("sequentialCanarySamples").asLong()).isEqualTo(511);
    assertThat(guards.path("sequentialTotalRequests").asLong()).isEqualTo(10_220);
  }

  @Test
  @DisplayName("17.3: a missing flags file or an unreachable gateway is named, never 'null'")
  void failuresNameWhatWasWrong() throws Exception {
    JarRunner.Result missing =
        JarRunner.run(dir, Map.of(), "status", "support-model", "--flags", "flagz.json");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--flags flagz.json: expected a readable flags file");

    JarRunner.Result unreachable =
        JarRunner.run(
            dir, Map.of(), "rollout", "status", "support-model", "--gateway", "http://127.0.0.1:9");
    assertThat(unreachable.exitCode()).isEqualTo(1);
    assertThat(unreachable.err())
        .contains("cannot reach the gateway at http://127.0.0.1:9/: connection refused")
        .doesNotContain("null")
        .doesNotContain("Exception");
  }

  @Test
  void badUsageExitsTwo() throws Exception {
    for (List<String> args :
        List.of(
            List.of("kill", "support-model", "--reason", "x"),
            List.of("weights", "support-model", "stable", "--reason", "x"),
            List.of("status", "support-model", "--backend", "nope"),
            List.of("no-such-verb"))) {
      JarRunner.Result result = run(args.toArray(String[]::new));
      assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result.err()).isEqualTo(2);
    }
  }

  @Test
  void sampleSizePrintsThePerArmCountAndTheRuleOfThumb() throws Exception {
    JarRunner.Result result = sampleSize();
    assertThat(result.exitCode()).as(result.err()).isZero();
    // (1.96 + 0.8416)^2 * (0.85*0.15 + 0.80*0.20) / 0.05^2 = 902.4 -> 903 per arm
    assertThat(result.out()).contains("per arm, equal arms:            903");
    assertThat(result.out()).contains("rule of thumb");

    JarRunner.Result guards = sampleSize("--one-sided");
    assertThat(guards.exitCode()).as(guards.err()).isZero();
    // [1.645 sqrt(2 * 0.825 * 0.175) + 0.8416 sqrt(0.85*0.15 + 0.80*0.20)]^2 / 0.05^2 = 713.1
    assertThat(guards.out()).contains("per arm, equal arms:            714");
    // The guard's one-sided mixture (sized for 0.05) at a 5% canary rejects on the mean path at
    // 511.
    assertThat(guards.out()).contains("about 511 canary samples to rollback");
    JarRunner.Result smallAlpha = sampleSize("--alpha", "0.0025");
    assertThat(smallAlpha.out()).as("alpha printed as given").contains("(alpha 0.0025 two-sided");

    JarRunner.Result bad =
        JarRunner.run(dir, Map.of(), "sample-size", "--baseline", "1.5", "--mde", "0.05");
    assertThat(bad.exitCode()).isEqualTo(2);
  }

  /** {@code sample-size} for a drop of 0.05 from 0.85, with {@code options}. */
  private JarRunner.Result sampleSize(String... options) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("sample-size", "--baseline", "0.85", "--mde", "0.05"));
    args.addAll(List.of(options));
    return JarRunner.run(dir, Map.of(), args.toArray(String[]::new));
  }
}
