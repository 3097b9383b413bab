package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issues 4.3 and 17.7: the one-command demo rolls its canary back by itself and reads cleanly. */
class DemoIT {
  private static final Pattern FINAL_BAR =
      Pattern.compile("\\[#{30}\\] ([\\d,]+)/([\\d,]+) requests.*");
  private static final Pattern FLAGS_FILE =
      Pattern.compile("flags file \\(removed at exit\\): (\\S+)");

  @TempDir Path dir;

  @Test
  @DisplayName(
      "4.3 and 17.7: the guard rolls back the payment regression, naming the segment; the bar"
          + " ends at what was sent; the temp directory is removed")
  void theGuardCatchesThePaymentRegressionAndRollsBack() throws Exception {
    JarRunner.Result demo = JarRunner.run(dir, Map.of(), "demo", "--requests", "200000");

    assertThat(demo.exitCode()).as(demo.out() + demo.err()).isZero();
    assertThat(demo.out())
        .contains(
            "canary   payment",
            "final state: ROLLED_BACK",
            "rollback written to flags.json, read back and verified",
            "sessions that saw the canary",
            "final state: ROLLED_BACK")
        .containsPattern("regression detected in [^\\n]*segment intent=payment")
        .containsPattern("after \\d+ canary requests \\(\\d+ of them payment questions\\)")
        .containsPattern(
            ": stable [\\d.]+, canary [\\d.]+ \\(n=\\d+/\\d+\\); regression [\\d.]+, p=\\S+ below the"
                + " level")
        .doesNotContain("CI [");
    List<String> bars = demo.out().lines().filter(l -> l.startsWith("[")).toList();
    Matcher last = FINAL_BAR.matcher(bars.get(bars.size() - 1));
    assertThat(last.find()).as(bars.get(bars.size() - 1)).isTrue();
    assertThat(last.group(1)).as("the bar ends at the requests sent").isEqualTo(last.group(2));
    assertThat(last.group(0)).contains("stopped 2 s after the verified rollback");
    Matcher flagsFile = FLAGS_FILE.matcher(demo.out());
    assertThat(flagsFile.find()).isTrue();
    assertThat(Path.of(flagsFile.group(1)).getParent()).as("temp directory removed").doesNotExist();
  }
}
