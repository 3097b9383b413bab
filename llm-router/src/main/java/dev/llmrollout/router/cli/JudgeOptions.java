package dev.llmrollout.router.cli;

import dev.llmrollout.router.EndpointRegistry;
import dev.llmrollout.router.JudgeConfig;
import dev.llmrollout.router.LiveJudgeOptions;
import dev.llmrollout.router.gateway.JudgeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s judge: a judge model pinned by version on a named endpoint, or the stand-in; the
 * share of shadow pairs it judges; live judging of the flags in a canary step.
 */
final class JudgeOptions {
  static final String STAND_IN = "stand-in";

  @Option(
      names = "--judge",
      paramLabel = STAND_IN,
      description =
          "\"stand-in\": the deterministic stand-in judge (tests and demos; no model is called),"
              + " instead of --judge-endpoint.")
  String kind;

  @Option(
      names = "--judge-endpoint",
      paramLabel = "NAME",
      description =
          "The endpoint (a name in the endpoints file, never a URL) of the judge model that"
              + " judges shadow pairs and, with --live-judge-sample-rate, live answers.")
  String endpoint;

  @Option(
      names = "--judge-model",
      paramLabel = "MODEL",
      description = "The judge model id sent to --judge-endpoint (required with it).")
  String model;

  @Option(
      names = "--judge-model-version",
      paramLabel = "VERSION",
      description =
          "The judge model's pinned version (required with --judge-endpoint); verdicts name"
              + " MODEL@VERSION.")
  String modelVersion;

  @Option(
      names = "--judge-rubric-file",
      paramLabel = "FILE",
      description = "The rubric the judge model judges on, from FILE (default: a generic rubric).")
  Path rubricFile;

  @Option(
      names = "--judge-rubric-flag",
      paramLabel = "KEY",
      description =
          "The rubric from a prompt flag: the inline messages of KEY's default variant, read at"
              + " start.")
  String rubricFlag;

  @Option(
      names = "--judge-order",
      paramLabel = "both|random",
      description =
          "Against position bias: show each pair in both orders (default; a verdict that changes"
              + " with the order is a tie) or in a random order (half the judge calls).")
  String order = "both";

  @Option(
      names = "--judge-shadow-sample-rate",
      paramLabel = "RATE",
      description = "The share (0 to 1) of shadow pairs the judge judges (default 0.1).")
  double shadowSampleRate = 0.1;

  @Option(
      names = "--live-judge-sample-rate",
      paramLabel = "RATE",
      description =
          "Judge this share (above 0, at most 1) of the live answers of flags in a canary step,"
              + " both arms alike, after each answer was returned, for the judgeScoreDrop rule"
              + " (default: no live judging).")
  Double liveSampleRate;

  @Option(
      names = "--live-judge-calls-per-minute",
      paramLabel = "N",
      description =
          "Live judge calls per flag per minute (default 120; 0: no limit); a spent budget skips"
              + " both arms alike.")
  long liveCallsPerMinute = 120;

  /** The judge these options ask for, checked against the endpoints file. */
  JudgeSettings settings(EndpointRegistry endpoints) {
    boolean standIn = kind != null;
    if (standIn && !STAND_IN.equals(kind)) {
      throw new IllegalArgumentException(
          "--judge "
              + kind
              + ": expected stand-in (a judge model's endpoint goes in --judge-endpoint)");
    }
    if (standIn && endpoint != null) {
      throw new IllegalArgumentException(
          "--judge stand-in and --judge-endpoint: expected one judge, not both");
    }
    Optional<JudgeSettings.ModelJudge> judge =
        endpoint == null ? Optional.empty() : Optional.of(modelJudge(endpoints));
    if (judge.isEmpty()) {
      requireNoModelOptions(
          standIn
              ? ": expected with --judge-endpoint; the stand-in judge takes none"
              : ": expected with a judge model (--judge-endpoint NAME)");
    }
    if (judge.isEmpty() && !standIn) {
      if (liveSampleRate != null) {
        throw new IllegalArgumentException(
            "--live-judge-sample-rate: expected with a judge (--judge-endpoint NAME or --judge"
                + " stand-in)");
      }
      return JudgeSettings.none();
    }
    if (!(shadowSampleRate >= 0 && shadowSampleRate <= 1)) {
      throw new IllegalArgumentException(
          "--judge-shadow-sample-rate " + shadowSampleRate + ": expected a number from 0 to 1");
    }
    return new JudgeSettings(judge, standIn, shadowSampleRate, live());
  }

  private JudgeSettings.ModelJudge modelJudge(EndpointRegistry endpoints) {
    if (!endpoints.names().contains(endpoint)) {
      throw new IllegalArgumentException(
          "--judge-endpoint "
              + endpoint
              + ": expected the name of an endpoint in the endpoints file, one of "
              + new TreeSet<>(endpoints.names()));
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException(
          "--judge-model: expected the judge model id with --judge-endpoint");
    }
    if (modelVersion == null || modelVersion.isBlank()) {
      throw new IllegalArgumentException(
          "--judge-model-version: expected the judge model's pinned version with"
              + " --judge-endpoint");
    }
    if (rubricFile != null && rubricFlag != null) {
      throw new IllegalArgumentException(
          "--judge-rubric-file and --judge-rubric-flag: expected one rubric, not both");
    }
    JudgeConfig config =
        JudgeConfig.pinned(model, modelVersion).order(order()).rubric(rubricFromFile());
    return new JudgeSettings.ModelJudge(endpoint, config, Optional.ofNullable(rubricFlag));
  }

  private String rubricFromFile() {
    if (rubricFile == null) {
      return JudgeConfig.DEFAULT_RUBRIC;
    }
    try {
      String rubric = Files.readString(rubricFile);
      if (rubric.isBlank()) {
        throw new IllegalArgumentException(
            "--judge-rubric-file "
                + rubricFile
                + ": expected the rubric's text, the file is empty");
      }
      return rubric.strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--judge-rubric-file " + rubricFile + ": expected a readable file (" + e + ")");
    }
  }

  private JudgeConfig.Order order() {
    return switch (order.toLowerCase(Locale.ROOT)) {
      case "both" -> JudgeConfig.Order.BOTH_ORDERS;
      case "random" -> JudgeConfig.Order.RANDOMIZED;
      default ->
          throw new IllegalArgumentException(
              "--judge-order " + order + ": expected both or random");
    };
  }

  private Optional<LiveJudgeOptions> live() {
    if (liveSampleRate == null) {
      return Optional.empty();
    }
    if (!(liveSampleRate > 0 && liveSampleRate <= 1)) {
      throw new IllegalArgumentException(
          "--live-judge-sample-rate " + liveSampleRate + ": expected above 0 and at most 1");
    }
    if (liveCallsPerMinute < 0) {
      throw new IllegalArgumentException(
          "--live-judge-calls-per-minute "
              + liveCallsPerMinute
              + ": expected 0 (no limit) or more");
    }
    return Optional.of(LiveJudgeOptions.of(liveSampleRate, liveCallsPerMinute));
  }

  /** Judge model options without a judge model would be silently ignored: name the first one. */
  private void requireNoModelOptions(String expected) {
    if (model != null) {
      throw new IllegalArgumentException("--judge-model" + expected);
    }
    if (modelVersion != null) {
      throw new IllegalArgumentException("--judge-model-version" + expected);
    }
    if (rubricFile != null || rubricFlag != null) {
      throw new IllegalArgumentException(
          (rubricFile != null ? "--judge-rubric-file" : "--judge-rubric-flag") + expected);
    }
  }
}
