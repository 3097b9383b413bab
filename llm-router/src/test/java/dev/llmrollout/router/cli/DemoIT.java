package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 4, point 3: the one-command demo rolls its canary back by itself and exits 0. */
class DemoIT {
  @TempDir Path dir;

  @Test
  void theGuardCatchesThePaymentRegressionAndRollsBack() throws Exception {
    JarRunner.Result demo = JarRunner.run(dir, Map.of(), "demo");

    assertThat(demo.exitCode()).as(demo.out() + demo.err()).isZero();
    assertThat(demo.out())
        .contains(
            "canary   payment",
            "regression detected",
            "rollback written to flags.json, read back and verified",
            "sessions that saw the canary",
            "final state: ROLLED_BACK")
        .containsPattern("after \\d+ canary requests \\(\\d+ of them payment questions\\)");
  }
}
