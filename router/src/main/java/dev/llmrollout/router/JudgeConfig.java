package dev.llmrollout.router;

import java.util.Objects;

/**
 * How a model judges shadow pairs: the judge model pinned by version, the rubric it judges on, and
 * how position bias is handled. The rubric is configuration (read it from a file or a prompt flag's
 * text); the router appends the reply format it parses.
 *
 * <pre>{@code
 * JudgeConfig.pinned("gpt-4o", "2024-08-06")
 *     .rubric("Prefer the answer that resolves the customer's question correctly and politely.")
 *     .order(JudgeConfig.Order.BOTH_ORDERS);
 * }</pre>
 *
 * @param model the judge model id sent to the endpoint
 * @param version the judge model's pinned version; verdicts name {@code model@version}
 * @param rubric what the judge compares the answers on
 * @param order how the two answers are placed before the judge
 */
public record JudgeConfig(String model, String version, String rubric, Order order) {

  /** The rubric used when none is configured. */
  public static final String DEFAULT_RUBRIC =
      "Judge which answer serves the user better: correct, complete, helpful, and safe.";

  /** How the answers are ordered, so that a judge's preference for a position cancels out. */
  public enum Order {
    /** Each pair is shown once, primary first or shadow first at random. */
    RANDOMIZED,
    /**
     * Each pair is shown twice, in both orders; a verdict that changes with the order is a tie and
     * the scores are averaged. Twice the judge calls.
     */
    BOTH_ORDERS
  }

  public JudgeConfig {
    require(model != null && !model.isBlank(), "model", "a model id", model);
    require(version != null && !version.isBlank(), "version", "a pinned model version", version);
    require(rubric != null && !rubric.isBlank(), "rubric", "the judge's rubric", rubric);
    Objects.requireNonNull(order, "order");
  }

  /** A judge of {@code model} pinned to {@code version}, the default rubric, both orders. */
  public static JudgeConfig pinned(String model, String version) {
    return new JudgeConfig(model, version, DEFAULT_RUBRIC, Order.BOTH_ORDERS);
  }

  /**
   * A judge named by a dated snapshot id that pins its version by itself (such as {@code
   * gpt-4o-2024-08-06}), with the default rubric, both orders.
   */
  public static JudgeConfig snapshot(String datedModelId) {
    return pinned(datedModelId, datedModelId);
  }

  public JudgeConfig rubric(String text) {
    return new JudgeConfig(model, version, text, order);
  }

  public JudgeConfig order(Order how) {
    return new JudgeConfig(model, version, rubric, how);
  }

  /** How verdicts name their judge. */
  public String judgeId() {
    return version.equals(model) ? model : model + "@" + version;
  }

  private static void require(boolean ok, String field, String expected, String got) {
    if (!ok) {
      throw new IllegalArgumentException(
          "judge config: " + field + " is " + got + ", expected " + expected);
    }
  }
}
