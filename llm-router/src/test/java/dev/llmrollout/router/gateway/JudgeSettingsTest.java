package dev.llmrollout.router.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.spi.BackendFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("issue 19.4: the gateway judge's rubric from a prompt flag")
class JudgeSettingsTest {
  @TempDir Path dir;

  @Test
  @DisplayName(
      "the rubric is the inline messages of the prompt flag's default variant; a missing flag or"
          + " one without messages names the option")
  void rubricFromAPromptFlag() throws Exception {
    Files.writeString(
        dir.resolve("flags.json"),
        """
        {"flags": {
          "judge-rubric": {"state": "ENABLED", "defaultVariant": "v2",
            "variants": {
              "v1": {"prompt": {"id": "rubric", "version": "1", "messages": [
                {"role": "system", "content": "An older rubric."}]}},
              "v2": {"prompt": {"id": "rubric", "version": "2", "messages": [
                {"role": "system", "content": "Prefer the answer that resolves the refund."},
                {"role": "user", "content": "Penalise hedging."}]}}}},
          "support-model": {"state": "ENABLED", "defaultVariant": "stable",
            "variants": {"stable": {"model": "m-stable", "endpoint": "stable-pool"}}}}}
        """);
    try (FlagStack flags = new FlagStack(localBackend()).start()) {
      assertThat(JudgeSettings.rubric(flags, "judge-rubric"))
          .isEqualTo("Prefer the answer that resolves the refund.\n\nPenalise hedging.");
      assertThatThrownBy(() -> JudgeSettings.rubric(flags, "no-such-flag"))
          .hasMessage(
              "--judge-rubric-flag no-such-flag: expected a prompt flag whose default variant has"
                  + " inline prompt messages; the flag source has no such flag");
      assertThatThrownBy(() -> JudgeSettings.rubric(flags, "support-model"))
          .hasMessage(
              "--judge-rubric-flag support-model: expected a prompt flag whose default variant"
                  + " has inline prompt messages");
    }
  }

  private BackendFactory.Backend localBackend() throws Exception {
    return LocalFlagsBackend.open(dir.resolve("flags.json"), name -> null);
  }
}
