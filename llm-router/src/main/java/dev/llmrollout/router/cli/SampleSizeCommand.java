package dev.llmrollout.router.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrollout.guard.analysis.SampleSizeCalculator;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How many canary samples a rollout needs to see a regression of a given size. */
@Command(
    name = "sample-size",
    description = "Samples per arm needed to detect a drop of MDE from a BASELINE success rate.",
    mixinStandardHelpOptions = true)
final class SampleSizeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--baseline", required = true, description = "Stable's rate, such as 0.85.")
  double baseline;

  @Option(
      names = "--mde",
      required = true,
      description = "Smallest drop worth catching, such as 0.05.")
  double mde;

  @Option(
      names = "--alpha",
      defaultValue = "0.05",
      description =
          "False-alarm rate (0.05), two-sided unless --one-sided. The guard spends alpha / (rules"
              + " x (1 + declared segments + 1 for 'other' when any are declared)) on its most"
              + " significant test.")
  double alpha;

  @Option(
      names = "--one-sided",
      description = "Size the one-sided test the guard makes (only a worse canary counts).")
  boolean oneSided;

  @Option(names = "--power", defaultValue = "0.8", description = "Chance to catch it (0.8).")
  double power;

  @Option(
      names = "--canary-share",
      defaultValue = "0.05",
      description = "The canary's share of traffic, for the canary-only count (0.05).")
  double canaryShare;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() {
    // Decimal subtraction: 0.85 - 0.05 is 0.8 here, not 0.7999999999999999.
    double canary = BigDecimal.valueOf(baseline).subtract(BigDecimal.valueOf(mde)).doubleValue();
    long perArm =
        oneSided
            ? SampleSizeCalculator.canarySamplesOneSided(baseline, canary, 0.5, alpha, power)
            : SampleSizeCalculator.perArm(baseline, canary, alpha, power);
    // One-sided at alpha has the critical value of two-sided at 2 alpha.
    double thumb =
        SampleSizeCalculator.ruleOfThumb(baseline, mde, oneSided ? 2 * alpha : alpha, power);
    long canarySamples =
        oneSided
            ? SampleSizeCalculator.canarySamplesOneSided(
                baseline, canary, canaryShare, alpha, power)
            : SampleSizeCalculator.canarySamples(baseline, canary, canaryShare, alpha, power);
    long sequential =
        SampleSizeCalculator.sequentialCanarySamples(baseline, canary, canaryShare, alpha, mde);
    var out = spec.commandLine().getOut();
    if (json) {
      ObjectNode result = GatewayAdminClient.json().createObjectNode();
      result.put("ok", true).put("exitCode", ExitCodes.OK);
      result
          .put("baseline", baseline)
          .put("canary", canary)
          .put("alpha", alpha)
          .put("oneSided", oneSided)
          .put("power", power);
      result.put("perArm", perArm).put("ruleOfThumb", (long) Math.ceil(thumb));
      result.put("canaryShare", canaryShare).put("canarySamples", canarySamples);
      result.put("totalRequests", (long) Math.ceil(canarySamples / canaryShare));
      result.put("sequentialCanarySamples", sequential);
      result.put("sequentialTotalRequests", (long) Math.ceil(sequential / canaryShare));
      out.println(result.toPrettyString());
      return ExitCodes.OK;
    }
    out.printf(
        Locale.ROOT,
        "to detect %.4f -> %.4f (alpha %s %s, power %.2f):%n",
        baseline,
        canary,
        alpha,
        oneSided ? "one-sided, as the guard tests" : "two-sided",
        power);
    out.printf(Locale.ROOT, "  per arm, equal arms:            %d%n", perArm);
    out.printf(Locale.ROOT, "  rule of thumb 2z^2p(1-p)/d^2:   %.0f%n", Math.ceil(thumb));
    out.printf(
        Locale.ROOT,
        "  canary samples at a %.1f%% canary: %d (about %d requests in all)%n",
        100 * canaryShare,
        canarySamples,
        (long) Math.ceil(canarySamples / canaryShare));
    out.printf(
        Locale.ROOT,
        "  guard's always-valid test (one-sided, alpha %s, sized to detect %.4f): about %d canary"
            + " samples to rollback on average (about %d requests in all)%n",
        alpha,
        mde,
        sequential,
        (long) Math.ceil(sequential / canaryShare));
    return 0;
  }
}
