package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19.5 (demo): the offline eval's report opens the guard's eval gate, then the shadow stage
 * decides before any user sees a major version.
 */
class ShadowGateDemoIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  @DisplayName("the shadow gate aborts the payment regression with no session exposed")
  void regressionAbortedInShadow() throws Exception {
    JarRunner.Result demo = JarRunner.run(dir, Map.of(), "demo", "--shadow-gate", "--json");

    assertThat(demo.exitCode()).as(demo.out() + demo.err()).isZero();
    JsonNode summary = JSON.readTree(demo.out());
    assertThat(summary.path("shadowOutcome").asText()).isEqualTo("ROLLED_BACK");
    assertThat(summary.path("rollbackVerified").asBoolean()).isTrue();
    assertThat(summary.path("sessionsSawCanary").asInt()).isZero();
    assertThat(summary.path("shadowPairsAtDecision").asLong()).isPositive();
    assertThat(summary.path("detectedBy").toString()).contains("SHADOW_");
    assertThat(summary.path("evalOutcome").asText())
        .as("the offline set has no payment question with order data inline: it passes")
        .isEqualTo("PASS");
    assertThat(summary.path("evalCases").asInt()).isPositive();
  }

  /**
   * The live judge demo's candidate is a good one until its canary starts hedging: its first half
   * is the {@code --good-candidate} demo (offline eval, eval gate, shadow gate passed on evidence),
   * asserted here rather than by a third demo run of its own (47 s of this class on a loaded
   * machine), which only added that {@code --good-candidate} stops with exit 0 at the first step.
   */
  @Test
  @DisplayName(
      "issue 19.3: a good candidate passes the eval and shadow gates into the first canary step;"
          + " then the live judge rule rolls back the canary whose answers only the judge sees got"
          + " worse; the timeline says on how many judged answers")
  void liveJudgeRuleGuardsTheCanary() throws Exception {
    JarRunner.Result demo = JarRunner.run(dir, Map.of(), "demo", "--live-judge");

    assertThat(demo.exitCode()).as(demo.out() + demo.err()).isZero();
    assertThat(demo.out())
        .containsPattern("Offline eval \\(strict mode, \\d+ cases; .*\\): PASS")
        .contains("the guard's eval gate found it and started the rollout in SHADOW")
        .contains("shadow gate passed: the canary's first step (5%) begins")
        .containsPattern("after [\\d,]+ shadow pairs \\([\\d,]+ judged by stand-in-judge@1\\)")
        .contains("live judge rule rolled the canary back")
        .containsPattern(
            "after [\\d,]+ judged answers \\([\\d,]+ of v2\\.0\\.0's, [\\d,]+ of v1\\.1\\.0's")
        .containsPattern("in (all traffic|intent=\\w+): JUDGE_SCORE\\(DIFFERENCE\\): stable")
        .contains("rollback read back and verified");
  }
}
