package dev.llmrollout.guard;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pre-declared rule of the shadow gate, tested on shadow pairs (the primary's and the
 * candidate's answers to the same request, same targeting key) before any user is exposed.
 *
 * <p>Every rule is a paired harm, positive when the candidate is worse, and a {@code margin}: the
 * largest harm accepted. The gate promotes to the first canary step only when the upper end of the
 * harm's confidence sequence is below the margin (the candidate shown non-inferior), and aborts the
 * rollout when the lower end is above it (the rule shown broken).
 *
 * <pre>{@code
 * ShadowRule.judgeWinRateAtLeast(0.45);          // the judge prefers the candidate >= 45 % (ties half)
 * ShadowRule.judgeScoreDropAtMost(0.1);           // mean pairwise judge score >= -0.1
 * ShadowRule.refusalDiscordanceAtMost(0.01);      // P(only candidate refuses) - P(only primary) < 1 pp
 * ShadowRule.latencyTailRatioAtMost(0.99, 1.5);   // candidate p99 within 1.5 x the primary's p99
 * ShadowRule.tokenRatioAtMost(1.3);               // candidate tokens within 1.3 x the primary's
 * ShadowRule.costRatioAtMost(2.0);                // candidate cost within 2 x (endpoint prices)
 * ShadowRule.firstTokenRatioAtMost(1.5);          // mean time to first token within 1.5 x (streams)
 * }</pre>
 *
 * @param metric what is compared
 * @param quantile the latency quantile for {@link Metric#LATENCY_TAIL_RATIO}, else 0
 * @param ratio the declared ratio for the ratio rules, else 0
 * @param margin the largest harm accepted, in the metric's harm units (see {@link Metric})
 */
public record ShadowRule(Metric metric, double quantile, double ratio, double margin) {

  /** What a shadow rule compares, and its harm. */
  public enum Metric {
    /** Harm {@code 0.5 - win rate} over judged pairs, ties counting half. */
    JUDGE_WIN_RATE,
    /** Harm {@code -mean(score)}, the judge's pairwise score from -1 to 1 (candidate better). */
    JUDGE_SCORE,
    /** Harm {@code P(only the candidate refused) - P(only the primary refused)}. */
    REFUSAL_DISCORDANCE,
    /** Harm {@code P(only the candidate failed) - P(only the primary failed)}. */
    ERROR_DISCORDANCE,
    /** As refusals, over the pairs whose request asked for JSON, for answers not valid JSON. */
    INVALID_JSON_DISCORDANCE,
    /**
     * Harm {@code P(candidate slower than ratio x primary's quantile) - P(primary slower than its
     * quantile)}, over answered pairs, with the quantile's latency bin taken from the primary side.
     */
    LATENCY_TAIL_RATIO,
    /** Harm {@code log(candidate tokens / primary tokens)} over answered pairs. */
    TOKEN_RATIO,
    /**
     * Harm {@code log(candidate cost / primary cost)} over answered pairs whose two calls are
     * priced by their endpoints' price tables.
     */
    COST_RATIO,
    /**
     * Harm {@code log(candidate / primary mean time to first token)} over answered pairs that were
     * streamed (a shadow call streams when its primary did).
     */
    FIRST_TOKEN_RATIO
  }

  public ShadowRule {
    Objects.requireNonNull(metric, "metric");
    boolean logRatio =
        metric == Metric.TOKEN_RATIO
            || metric == Metric.COST_RATIO
            || metric == Metric.FIRST_TOKEN_RATIO;
    if (!(margin > 0) || (!logRatio && margin >= 1)) {
      throw new IllegalArgumentException(
          "shadow rule " + metric + ": margin is " + margin + ", expected above 0 and below 1");
    }
    if (metric == Metric.LATENCY_TAIL_RATIO && !(quantile > 0.5 && quantile < 1 && ratio >= 1)) {
      throw new IllegalArgumentException(
          "shadow rule "
              + metric
              + ": quantile "
              + quantile
              + " and ratio "
              + ratio
              + ", expected a quantile between 0.5 and 1 and a ratio of 1 or more");
    }
  }

  /** The judge prefers the candidate in at least {@code winRate} of judged pairs (ties half). */
  public static ShadowRule judgeWinRateAtLeast(double winRate) {
    if (!(winRate > 0 && winRate < 0.5)) {
      throw new IllegalArgumentException(
          "judgeWinRateAtLeast: " + winRate + ", expected above 0 and below 0.5");
    }
    return new ShadowRule(Metric.JUDGE_WIN_RATE, 0, 0, 0.5 - winRate);
  }

  /** The judge's mean pairwise score (candidate better positive) is at least {@code -drop}. */
  public static ShadowRule judgeScoreDropAtMost(double drop) {
    return new ShadowRule(Metric.JUDGE_SCORE, 0, 0, drop);
  }

  /** The candidate refuses where the primary did not at most {@code points} more often. */
  public static ShadowRule refusalDiscordanceAtMost(double points) {
    return new ShadowRule(Metric.REFUSAL_DISCORDANCE, 0, 0, points);
  }

  /** The candidate fails where the primary did not at most {@code points} more often. */
  public static ShadowRule errorDiscordanceAtMost(double points) {
    return new ShadowRule(Metric.ERROR_DISCORDANCE, 0, 0, points);
  }

  /** Where JSON was asked for, the candidate breaks it at most {@code points} more often. */
  public static ShadowRule invalidJsonDiscordanceAtMost(double points) {
    return new ShadowRule(Metric.INVALID_JSON_DISCORDANCE, 0, 0, points);
  }

  /**
   * The candidate's {@code quantile} latency is within {@code ratio} times the primary's: the share
   * of candidate answers slower than ratio x the primary's quantile exceeds the primary's share
   * beyond its own quantile by less than {@code 1 - quantile} (at p99: fewer than 2 % of candidate
   * answers beyond 1.5 x the primary's p99 when the primary has 1 % beyond it).
   */
  public static ShadowRule latencyTailRatioAtMost(double quantile, double ratio) {
    return new ShadowRule(Metric.LATENCY_TAIL_RATIO, quantile, ratio, 1 - quantile);
  }

  /** The candidate spends at most {@code ratio} times the primary's tokens on the same requests. */
  public static ShadowRule tokenRatioAtMost(double ratio) {
    if (!(ratio > 1)) {
      throw new IllegalArgumentException("tokenRatioAtMost: " + ratio + ", expected above 1");
    }
    return new ShadowRule(Metric.TOKEN_RATIO, 0, ratio, Math.log(ratio));
  }

  /** The declarations {@link #parse} reads, as a user would write them. */
  public static final List<String> DECLARATIONS =
      List.of(
          "judgeWinRateAtLeast(winRate)",
          "judgeScoreDropAtMost(drop)",
          "refusalDiscordanceAtMost(points)",
          "errorDiscordanceAtMost(points)",
          "invalidJsonDiscordanceAtMost(points)",
          "latencyTailRatioAtMost(quantile, ratio)",
          "tokenRatioAtMost(ratio)",
          "costRatioAtMost(ratio)",
          "firstTokenRatioAtMost(ratio)");

  private static final Pattern DECLARATION =
      Pattern.compile("\\s*([A-Za-z]+)\\s*\\(([^()]*)\\)\\s*");

  /**
   * Reads a rule written as its factory call, such as {@code refusalDiscordanceAtMost(0.01)} or
   * {@code latencyTailRatioAtMost(0.99, 1.5)}: what a start request and the CLI declare.
   *
   * @throws IllegalArgumentException naming the text and the declarations expected
   */
  public static ShadowRule parse(String text) {
    Matcher m = DECLARATION.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw notADeclaration(text);
    }
    String[] parts = m.group(2).isBlank() ? new String[0] : m.group(2).split(",");
    double[] args = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        args[i] = Double.parseDouble(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "shadow rule '" + text + "': '" + parts[i].strip() + "' is not a number");
      }
    }
    return switch (m.group(1) + "/" + args.length) {
      case "judgeWinRateAtLeast/1" -> judgeWinRateAtLeast(args[0]);
      case "judgeScoreDropAtMost/1" -> judgeScoreDropAtMost(args[0]);
      case "refusalDiscordanceAtMost/1" -> refusalDiscordanceAtMost(args[0]);
      case "errorDiscordanceAtMost/1" -> errorDiscordanceAtMost(args[0]);
      case "invalidJsonDiscordanceAtMost/1" -> invalidJsonDiscordanceAtMost(args[0]);
      case "latencyTailRatioAtMost/2" -> latencyTailRatioAtMost(args[0], args[1]);
      case "tokenRatioAtMost/1" -> tokenRatioAtMost(args[0]);
      case "costRatioAtMost/1" -> costRatioAtMost(args[0]);
      case "firstTokenRatioAtMost/1" -> firstTokenRatioAtMost(args[0]);
      default -> throw notADeclaration(text);
    };
  }

  private static IllegalArgumentException notADeclaration(String text) {
    return new IllegalArgumentException(
        "shadow rule '" + text + "': expected one of " + String.join(", ", DECLARATIONS));
  }

  /**
   * The candidate costs at most {@code ratio} times the primary on the same requests, priced by
   * each endpoint's price table (pairs whose models have no price do not count; without any the
   * rule is untested and the gate waits).
   */
  public static ShadowRule costRatioAtMost(double ratio) {
    if (!(ratio > 1)) {
      throw new IllegalArgumentException("costRatioAtMost: " + ratio + ", expected above 1");
    }
    return new ShadowRule(Metric.COST_RATIO, 0, ratio, Math.log(ratio));
  }

  /**
   * The candidate's mean time to first token is at most {@code ratio} times the primary's, over
   * pairs both of whose calls were streamed (none when the application never streams: then the rule
   * is untested and the gate waits).
   */
  public static ShadowRule firstTokenRatioAtMost(double ratio) {
    if (!(ratio > 1)) {
      throw new IllegalArgumentException("firstTokenRatioAtMost: " + ratio + ", expected above 1");
    }
    return new ShadowRule(Metric.FIRST_TOKEN_RATIO, 0, ratio, Math.log(ratio));
  }

  /** A short name for audit records, such as {@code SHADOW_JUDGE_WIN_RATE(>=0.45)}. */
  public String name() {
    return "SHADOW_"
        + metric
        + switch (metric) {
          case JUDGE_WIN_RATE -> String.format(Locale.ROOT, "(>=%.2f)", 0.5 - margin);
          case JUDGE_SCORE -> String.format(Locale.ROOT, "(drop<=%.2f)", margin);
          case LATENCY_TAIL_RATIO ->
              String.format(Locale.ROOT, "(p%.0f<=%.2fx)", quantile * 100, ratio);
          case TOKEN_RATIO, COST_RATIO, FIRST_TOKEN_RATIO ->
              String.format(Locale.ROOT, "(<=%.2fx)", ratio);
          default -> String.format(Locale.ROOT, "(<=%.3f)", margin);
        };
  }
}
