package dev.llmrollout.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.JudgeConfig;
import dev.llmrollout.router.LiveJudgeOptions;
import dev.llmrollout.router.gateway.JudgeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@DisplayName("issue 19: serve's judge options, checked before anything starts")
class JudgeOptionsTest {
  @TempDir Path dir;
  private EndpointRegistry endpoints;

  @BeforeEach
  void endpoints() throws Exception {
    Path file = dir.resolve("endpoints.json");
    Files.writeString(
        file,
        """
        {"endpoints": {
          "judge-pool": {"baseUrl": "http://127.0.0.1:1", "apiKeyEnv": "JUDGE_KEY"},
          "stable-pool": {"baseUrl": "http://127.0.0.1:2", "apiKeyEnv": "JUDGE_KEY"}}}
        """);
    endpoints = EndpointRegistry.load(file, name -> "not-a-secret");
  }

  private JudgeSettings settings(String... args) {
    return CommandLine.populateCommand(new JudgeOptions(), args).settings(endpoints);
  }

  @Test
  @DisplayName("no option: no judge")
  void noJudge() {
    assertThat(settings()).isEqualTo(JudgeSettings.none());
  }

  @Test
  @DisplayName("a judge model pinned by version on a named endpoint, its rubric from a file")
  void judgeModel() throws Exception {
    Files.writeString(dir.resolve("rubric.txt"), "Prefer the answer that resolves the refund.\n");
    JudgeSettings settings =
        settings(
            "--judge-endpoint", "judge-pool",
            "--judge-model", "gpt-4o",
            "--judge-model-version", "2024-08-06",
            "--judge-rubric-file", dir.resolve("rubric.txt").toString(),
            "--judge-order", "random",
            "--judge-shadow-sample-rate", "0.25",
            "--live-judge-sample-rate", "0.05");
    assertThat(settings.judge())
        .contains(
            new JudgeSettings.ModelJudge(
                "judge-pool",
                new JudgeConfig(
                    "gpt-4o",
                    "2024-08-06",
                    "Prefer the answer that resolves the refund.",
                    JudgeConfig.Order.RANDOMIZED),
                java.util.Optional.empty()));
    assertThat(settings.shadowSampleRate()).isEqualTo(0.25);
    assertThat(settings.live()).contains(LiveJudgeOptions.of(0.05, 120));
  }

  @Test
  @DisplayName("the stand-in judge, with live judging")
  void standIn() {
    JudgeSettings settings =
        settings(
            "--judge",
            "stand-in",
            "--live-judge-sample-rate",
            "1",
            "--live-judge-calls-per-minute",
            "0");
    assertThat(settings.standIn()).isTrue();
    assertThat(settings.judge()).isEmpty();
    assertThat(settings.live()).contains(LiveJudgeOptions.of(1, 0));
  }

  @Test
  @DisplayName("every mistake names the option and what was expected")
  void mistakesNameTheOption() {
    assertThatThrownBy(() -> settings("--judge", "gpt-4o"))
        .hasMessage(
            "--judge gpt-4o: expected stand-in (a judge model's endpoint goes in --judge-endpoint)");
    assertThatThrownBy(
            () ->
                settings(
                    "--judge-endpoint", "https://api.example.com/v1",
                    "--judge-model", "m",
                    "--judge-model-version", "1"))
        .hasMessage(
            "--judge-endpoint https://api.example.com/v1: expected the name of an endpoint in the"
                + " endpoints file, one of [judge-pool, stable-pool]");
    assertThatThrownBy(() -> settings("--judge-endpoint", "judge-pool", "--judge-model", "m"))
        .hasMessageStartingWith("--judge-model-version: expected the judge model's pinned version");
    assertThatThrownBy(() -> settings("--judge-model", "m"))
        .hasMessage("--judge-model: expected with a judge model (--judge-endpoint NAME)");
    assertThatThrownBy(() -> settings("--judge", "stand-in", "--judge-rubric-flag", "rubric"))
        .hasMessage(
            "--judge-rubric-flag: expected with --judge-endpoint; the stand-in judge takes none");
    assertThatThrownBy(() -> settings("--live-judge-sample-rate", "0.1"))
        .hasMessageStartingWith("--live-judge-sample-rate: expected with a judge");
    assertThatThrownBy(() -> settings("--judge", "stand-in", "--live-judge-sample-rate", "0"))
        .hasMessage("--live-judge-sample-rate 0.0: expected above 0 and at most 1");
    assertThatThrownBy(() -> settings("--judge", "stand-in", "--judge-shadow-sample-rate", "2"))
        .hasMessage("--judge-shadow-sample-rate 2.0: expected a number from 0 to 1");
    assertThatThrownBy(() -> settings("--judge", "stand-in", "--judge-endpoint", "judge-pool"))
        .hasMessage("--judge stand-in and --judge-endpoint: expected one judge, not both");
  }
}
