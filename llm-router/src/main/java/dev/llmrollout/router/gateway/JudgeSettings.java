package dev.llmrollout.router.gateway;

import dev.llmrollout.router.JudgeConfig;
import dev.llmrollout.router.LiveJudgeOptions;
import dev.llmrollout.router.ModelRouterBuilder;
import dev.llmrollout.router.ShadowOptions;
import dev.llmrollout.router.StandInJudge;
import dev.llmrollout.spi.VariantPayload;
import dev.llmrollout.variant.ChatMessage;
import dev.llmrollout.variant.LlmVariant;
import dev.llmrollout.variant.PromptSpec;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The gateway's judge: none, the deterministic stand-in (tests and demos), or a judge model pinned
 * by version on an endpoint of the endpoints file; the share of shadow pairs it judges, and whether
 * it also scores a sampled share of the live answers of flags in a canary step.
 *
 * @param judge the judge model, or empty for the stand-in (when {@code standIn}) or no judge
 * @param standIn the deterministic {@link StandInJudge}
 * @param shadowSampleRate the share (0 to 1) of shadow pairs judged
 * @param live live judging for canary steps, if any
 */
public record JudgeSettings(
    Optional<ModelJudge> judge,
    boolean standIn,
    double shadowSampleRate,
    Optional<LiveJudgeOptions> live) {

  /**
   * A judge model on the endpoint named {@code endpoint} (a name in the endpoints file, never a
   * URL), pinned by {@code config}; its rubric is {@code config}'s unless {@code rubricFlag} names
   * a prompt flag whose default variant's inline messages are the rubric (read at start).
   */
  public record ModelJudge(String endpoint, JudgeConfig config, Optional<String> rubricFlag) {
    public ModelJudge {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(rubricFlag, "rubricFlag");
    }
  }

  public JudgeSettings {
    Objects.requireNonNull(judge, "judge");
    Objects.requireNonNull(live, "live");
    if (judge.isPresent() && standIn) {
      throw new IllegalArgumentException("judge: expected a judge model or the stand-in, not both");
    }
    if (!(shadowSampleRate >= 0 && shadowSampleRate <= 1)) {
      throw new IllegalArgumentException(
          "judge shadowSampleRate: " + shadowSampleRate + ", expected a number from 0 to 1");
    }
    if (live.isPresent() && judge.isEmpty() && !standIn) {
      throw new IllegalArgumentException("live judging: expected a judge to score answers");
    }
  }

  /** No judge: judge rules cannot be declared. */
  public static JudgeSettings none() {
    return new JudgeSettings(Optional.empty(), false, 0, Optional.empty());
  }

  boolean judges() {
    return standIn || judge.isPresent();
  }

  /** What the shadow gate and the canary may be held to with this judge. */
  JudgeEvidence evidence() {
    return JudgeEvidence.of(judges() && shadowSampleRate > 0, live.isPresent());
  }

  /**
   * Adds the judge (and live judging of the flags {@code inCanary} accepts) to a router over {@code
   * flags}, whose prompt flag may hold the rubric.
   */
  ModelRouterBuilder apply(
      ModelRouterBuilder builder, FlagStack flags, Predicate<String> inCanary) {
    if (!judges()) {
      return builder;
    }
    builder.shadow(ShadowOptions.custom().judgeSampleRate(shadowSampleRate).build());
    if (standIn) {
      builder.judge(new StandInJudge());
    } else {
      ModelJudge model = judge.get();
      JudgeConfig config =
          model
              .rubricFlag()
              .map(flag -> model.config().rubric(rubric(flags, flag)))
              .orElse(model.config());
      builder.judgeWithEndpoint(model.endpoint(), config);
    }
    live.ifPresent(options -> builder.liveJudging(options, inCanary));
    return builder;
  }

  /** The inline messages of the default variant of the prompt flag {@code flagKey}. */
  static String rubric(FlagStack flags, String flagKey) {
    String expected =
        "--judge-rubric-flag "
            + flagKey
            + ": expected a prompt flag whose default variant has inline prompt messages";
    if (!flags.flagKeys().contains(flagKey)) {
      throw new IllegalArgumentException(expected + "; the flag source has no such flag");
    }
    String variant = flags.control().state(flagKey).defaultVariant();
    return flags
        .payload(flagKey, variant)
        .flatMap(VariantPayload::llm)
        .flatMap(LlmVariant::prompt)
        .map(PromptSpec::messages)
        .filter(messages -> !messages.isEmpty())
        .map(
            messages ->
                messages.stream().map(ChatMessage::content).collect(Collectors.joining("\n\n")))
        .filter(text -> !text.isBlank())
        .orElseThrow(() -> new IllegalArgumentException(expected));
  }
}
