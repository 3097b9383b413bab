package dev.llmrollout.router.eval;

/**
 * How the gate decides.
 *
 * <pre>{@code
 * EvalPolicy policy = new EvalPolicy(EvalPolicy.Mode.NET, 0.05, 25, 0.10);
 * }</pre>
 *
 * @param mode {@link Mode#STRICT} for high-stakes paths, {@link Mode#NET} where a swap is fine
 * @param alpha the significance level of McNemar's test in net mode
 * @param exactBelow McNemar's test is exact when fewer cases than this are discordant
 * @param intentMargin both modes fail when an intent's pass rate drops by more than this (0..1)
 */
public record EvalPolicy(Mode mode, double alpha, int exactBelow, double intentMargin) {

  /** Strict or net. */
  public enum Mode {
    /** Fails if any case that passes on the baseline fails on the candidate. */
    STRICT,
    /** Fails when the candidate's pass rate is significantly lower (McNemar's test). */
    NET
  }

  public EvalPolicy {
    if (mode == null) {
      throw new EvalInputException(0, "--mode", "expected strict or net");
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new EvalInputException(0, "--alpha", "expected a number between 0 and 1");
    }
    if (exactBelow < 0) {
      throw new EvalInputException(0, "--exact-below", "expected 0 or more discordant cases");
    }
    if (!(intentMargin >= 0 && intentMargin <= 1)) {
      throw new EvalInputException(0, "--intent-margin", "expected a pass-rate drop from 0 to 1");
    }
  }

  /** Strict mode, alpha 0.05, exact test below 25 discordant cases, 10-point intent margin. */
  public static EvalPolicy strict() {
    return new EvalPolicy(Mode.STRICT, 0.05, 25, 0.10);
  }
}
